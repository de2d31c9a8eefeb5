using System.Collections.ObjectModel;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// A read-only view of a serialized object whose type the <see cref="LegacyTypeMap"/> does not map: its legacy type
/// name, assembly name and fields, named as BinaryFormatter wrote them (auto-properties appear as
/// <c>&lt;Name&gt;k__BackingField</c>). Nothing named by the stream is ever loaded or instantiated to build it.
/// </summary>
/// <remarks>
/// Field values are <see langword="null"/>, primitives, <see cref="string"/>, <see cref="DateTime"/> (with its Kind),
/// <see cref="decimal"/>, <see cref="Guid"/>, <see cref="TimeSpan"/>, <see cref="DateTimeOffset"/>, values of mapped
/// and built-in types, nested <see cref="LegacyObject"/> views, and arrays as <see cref="IReadOnlyList{T}"/>.
/// A view read from a session value keeps the bytes it came from, and storing it writes those bytes back unchanged.
/// </remarks>
public sealed class LegacyObject
{
    private readonly Dictionary<string, object?> _fields;
    private readonly string[] _fieldNames;

    internal LegacyObject(string typeName, string? assemblyName, string[] fieldNames)
    {
        TypeName = typeName;
        AssemblyName = assemblyName;
        _fieldNames = fieldNames;
        _fields = new Dictionary<string, object?>(fieldNames.Length, StringComparer.Ordinal);
    }

    /// <summary>The full legacy type name as written in the stream, e.g. <c>LegacyApp.Models.Order</c>.</summary>
    public string TypeName { get; }

    /// <summary>The full name of the legacy assembly, or <see langword="null"/> for a core (mscorlib) type.</summary>
    public string? AssemblyName { get; }

    /// <summary>The field names in stream order.</summary>
    public IReadOnlyList<string> FieldNames => _fieldNames;

    /// <summary>The fields by name.</summary>
    public IReadOnlyDictionary<string, object?> Fields => new ReadOnlyDictionary<string, object?>(_fields);

    /// <summary>The value of a field.</summary>
    /// <exception cref="KeyNotFoundException">The record has no such field.</exception>
    public object? this[string fieldName] => _fields.TryGetValue(fieldName, out var value)
        ? value
        : throw new KeyNotFoundException($"The legacy object '{TypeName}' has no field '{fieldName}'; its fields are: {string.Join(", ", _fieldNames)}.");

    /// <summary>
    /// The NRBF stream this view was read from, when it is the root of a session value (empty for nested views).
    /// Storing the view writes these bytes back.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; internal set; }

    internal void SetField(string name, object? value) => _fields[name] = value;

    /// <inheritdoc/>
    public override string ToString() => $"{TypeName} (legacy object, {_fieldNames.Length} fields)";
}
