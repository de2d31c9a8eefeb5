using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// Maps the legacy application's [Serializable] types to types of this application, so that their BinaryFormatter
/// streams (session values of type code 20) can be read into those types and written back in the form the legacy
/// application's BinaryFormatter reads.
/// </summary>
/// <remarks>
/// <para>
/// A legacy type is named by its full name and its assembly, e.g. <c>"LegacyApp.Models.UserProfile, LegacyApp"</c>.
/// Give the assembly's full name (<c>"LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"</c>) to have
/// it written exactly so; when reading, only the simple name is compared unless
/// <see cref="LegacyTypeMapping{T}.MatchFullAssemblyName"/> asks for more.
/// </para>
/// <para>
/// Fields are matched by the names BinaryFormatter writes: a mapped type's instance fields, in declaration order, with
/// auto-properties as <c>&lt;Name&gt;k__BackingField</c>, as the legacy type would have them if it is the same source.
/// Use <see cref="LegacyTypeMapping{T}.Field"/> to rename. Fields of base classes are not supported.
/// </para>
/// <para>
/// Types that need no registration: the primitives, <see cref="string"/>, <see cref="DateTime"/>, <see cref="decimal"/>,
/// <see cref="Guid"/>, <see cref="TimeSpan"/>, <see cref="DateTimeOffset"/>, <see cref="Nullable{T}"/>, arrays,
/// <see cref="List{T}"/>, <see cref="Dictionary{TKey, TValue}"/> with the default comparer,
/// <see cref="System.Collections.Hashtable"/> and <see cref="System.Collections.ArrayList"/> of mapped or built-in
/// values, and System.Web's <c>SessionStateActions</c> (as <see cref="SessionStateActions"/>).
/// </para>
/// <para>Configure the map at startup; it must not change once a <see cref="LegacyValueSerializer"/> uses it.</para>
/// </remarks>
public sealed class LegacyTypeMap
{
    internal const DynamicallyAccessedMemberTypes MappedMembers =
        DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields |
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    private readonly Dictionary<Type, MappedType> _byType = [];
    private readonly Dictionary<string, MappedType[]> _byLegacyName = new(StringComparer.Ordinal);

    /// <summary>Maps a legacy class or struct to <typeparamref name="T"/>.</summary>
    /// <param name="legacyTypeAndAssembly">The legacy full type name and assembly, e.g. <c>"LegacyApp.Models.Cart, LegacyApp"</c>.</param>
    /// <param name="configure">Renames fields or tightens the assembly match.</param>
    /// <exception cref="ArgumentException">The name is malformed, <typeparamref name="T"/> is already mapped, or a rename names no member.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> inherits fields from a base class.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Base types are only checked for fields; a trimmed base type has none to lose.")]
    public LegacyTypeMap Map<[DynamicallyAccessedMembers(MappedMembers)] T>(string legacyTypeAndAssembly, Action<LegacyTypeMapping<T>>? configure = null)
    {
        var (typeName, assembly) = ParseName(legacyTypeAndAssembly);
        var type = typeof(T);
        if (type.IsEnum)
        {
            throw new ArgumentException($"'{type}' is an enum; map it with MapEnum<{type.Name}>(\"{legacyTypeAndAssembly}\").", nameof(legacyTypeAndAssembly));
        }

        if (type.IsAbstract || type.IsInterface || type.IsGenericTypeDefinition || type.IsArray || type.IsPrimitive || type == typeof(string))
        {
            throw new ArgumentException($"'{type}' cannot be mapped: map a concrete, non-generic class or struct.", nameof(legacyTypeAndAssembly));
        }

        for (var baseType = type.BaseType; baseType is not null && baseType != typeof(object) && baseType != typeof(ValueType); baseType = baseType.BaseType)
        {
            if (baseType.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Length > 0)
            {
                throw new NotSupportedException(
                    $"'{type}' inherits fields from '{baseType}'; BinaryFormatter writes base-class fields with prefixed names, which the type map does not support. Map a type without inherited fields.");
            }
        }

        var mapping = new LegacyTypeMapping<T>();
        configure?.Invoke(mapping);
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
        var renames = new Dictionary<string, string>(mapping.Renames, StringComparer.Ordinal);
        var members = new List<MappedMember>(fields.Length);
        foreach (var field in fields)
        {
            // [NonSerialized] fields (FieldAttributes.NotSerialized, 0x80) are not in the stream.
            if (((int)field.Attributes & 0x80) != 0)
            {
                continue;
            }

            var legacyName = field.Name;
            if (renames.Remove(field.Name, out var renamed) ||
                (TryGetAutoPropertyName(field.Name, out var property) && renames.Remove(property, out renamed)))
            {
                legacyName = renamed;
            }

            members.Add(new MappedMember(legacyName, field));
        }

        if (renames.Count > 0)
        {
            throw new ArgumentException(
                $"The mapping of '{type}' renames '{string.Join("', '", renames.Keys)}', which is not a serialized field or auto-property of that type.",
                nameof(configure));
        }

        Add(new MappedType(type, typeName, assembly, mapping.MatchesFullAssemblyName, [.. members], enumValues: null));
        return this;
    }

    /// <summary>
    /// Maps a legacy enum to <typeparamref name="TEnum"/>. By default members match by numeric value; give the legacy
    /// enum's names and values to match by name instead (for enums whose numbers changed).
    /// </summary>
    /// <param name="legacyTypeAndAssembly">The legacy full type name and assembly, e.g. <c>"LegacyApp.Models.Tier, LegacyApp"</c>.</param>
    /// <param name="legacyValuesByName">The legacy enum's members and their numbers, to match by name; <see langword="null"/> to match by value.</param>
    /// <exception cref="ArgumentException">The name is malformed, or a name of <typeparamref name="TEnum"/> has no legacy value.</exception>
    public LegacyTypeMap MapEnum<TEnum>(string legacyTypeAndAssembly, IReadOnlyDictionary<string, long>? legacyValuesByName = null)
        where TEnum : struct, Enum
    {
        var (typeName, assembly) = ParseName(legacyTypeAndAssembly);
        EnumTranslation? translation = null;
        if (legacyValuesByName is not null)
        {
            translation = new EnumTranslation();
            foreach (var name in Enum.GetNames<TEnum>())
            {
                var value = Convert.ToInt64(Enum.Parse<TEnum>(name), System.Globalization.CultureInfo.InvariantCulture);
                if (!legacyValuesByName.TryGetValue(name, out var legacyValue))
                {
                    throw new ArgumentException($"The enum member '{typeof(TEnum).Name}.{name}' has no value in the legacy enum's names.", nameof(legacyValuesByName));
                }

                translation.ToLegacy[value] = legacyValue;
                translation.FromLegacy[legacyValue] = value;
            }
        }

        Add(new MappedType(typeof(TEnum), typeName, assembly, matchFullAssemblyName: false, [], translation));
        return this;
    }

    /// <summary>The legacy full type name a type is mapped to, or <see langword="null"/> when it is not mapped.</summary>
    public string? GetLegacyTypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.TryGetValue(type, out var mapped) ? mapped.LegacyName : null;
    }

    internal bool TryGetByType(Type type, [NotNullWhen(true)] out MappedType? mapped) => _byType.TryGetValue(type, out mapped);

    internal MappedType? Find(string fullTypeName, System.Reflection.Metadata.AssemblyNameInfo? assembly)
    {
        if (!_byLegacyName.TryGetValue(fullTypeName, out var candidates))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            // Ordinal first: the stream nearly always spells the name exactly as mapped.
            if (assembly is null || !(string.Equals(candidate.AssemblySimpleName, assembly.Name, StringComparison.Ordinal) ||
                string.Equals(candidate.AssemblySimpleName, assembly.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!candidate.MatchFullAssemblyName || string.Equals(candidate.AssemblyName, assembly.FullName, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    private void Add(MappedType mapped)
    {
        if (!_byType.TryAdd(mapped.ClrType, mapped))
        {
            throw new ArgumentException($"'{mapped.ClrType}' is already mapped; map each type once.");
        }

        _byLegacyName[mapped.LegacyName] = _byLegacyName.TryGetValue(mapped.LegacyName, out var others) ? [.. others, mapped] : [mapped];
    }

    internal static bool TryGetAutoPropertyName(string fieldName, [NotNullWhen(true)] out string? propertyName)
    {
        const string Suffix = ">k__BackingField";
        if (fieldName.Length > Suffix.Length + 1 && fieldName[0] == '<' && fieldName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            propertyName = fieldName[1..^Suffix.Length];
            return true;
        }

        propertyName = null;
        return false;
    }

    private static (string TypeName, string Assembly) ParseName(string legacyTypeAndAssembly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(legacyTypeAndAssembly);
        var comma = legacyTypeAndAssembly.IndexOf(',', StringComparison.Ordinal);
        var typeName = comma < 0 ? "" : legacyTypeAndAssembly[..comma].Trim();
        var assembly = comma < 0 ? "" : legacyTypeAndAssembly[(comma + 1)..].Trim();
        if (typeName.Length == 0 || assembly.Length == 0 || typeName.Contains('[', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{legacyTypeAndAssembly}' is not a legacy type name; write the full type name and the assembly, e.g. \"LegacyApp.Models.Cart, LegacyApp\".",
                nameof(legacyTypeAndAssembly));
        }

        try
        {
            _ = new AssemblyName(assembly);
        }
        catch (Exception ex) when (ex is FileLoadException or ArgumentException)
        {
            throw new ArgumentException($"'{assembly}' is not a valid assembly name.", nameof(legacyTypeAndAssembly), ex);
        }

        return (typeName, assembly);
    }
}
