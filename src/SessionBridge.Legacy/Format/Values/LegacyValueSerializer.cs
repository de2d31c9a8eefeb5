using System.Buffers;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Nrbf;
using System.Runtime.InteropServices;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// Reads and writes session values of type code 20 (the legacy application's BinaryFormatter streams) without
/// BinaryFormatter: decoding with <see cref="NrbfDecoder"/> into mapped types, built-in shapes or read-only
/// <see cref="LegacyObject"/> views, and encoding mapped types and built-in shapes in the form .NET Framework 4.8's
/// BinaryFormatter reads (core types as <c>mscorlib</c>, mapped types under the map's assembly name).
/// </summary>
/// <remarks>
/// <para>
/// No type is ever loaded or instantiated because a stream names it: stream names are compared as strings with the
/// built-in types and the <see cref="LegacyTypeMap"/>. Depth, element counts and size are bounded by
/// <see cref="LegacyValueLimits"/>; reference cycles keep their identity.
/// </para>
/// <para>
/// A value whose object graph holds an unmapped record is read-only: an unmapped root reads as a
/// <see cref="LegacyObject"/>, and an array at the root as a read-only list; storing either writes the original
/// bytes back unchanged. Instances are thread-safe once the map is configured.
/// </para>
/// </remarks>
public sealed class LegacyValueSerializer
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The decoder's default options, shared (never changed after creation).</summary>
    private static readonly PayloadOptions s_payloadOptions = new();

    private readonly ClassShapes _shapes;

    /// <summary>Creates a serializer over a type map.</summary>
    /// <param name="map">The legacy types this application maps; do not change it afterwards.</param>
    /// <param name="limits">Decoding limits; <see langword="null"/> for the defaults.</param>
    [RequiresDynamicCode("Reading and writing mapped types builds arrays and generic collections of them at run time.")]
    [RequiresUnreferencedCode("Mapped types' fields are read and written by reflection.")]
    public LegacyValueSerializer(LegacyTypeMap map, LegacyValueLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        Limits = limits ?? new LegacyValueLimits();
        Limits.Validate();
        _shapes = new ClassShapes(map);
    }

    /// <summary>The type map.</summary>
    public LegacyTypeMap Map { get; }

    /// <summary>The decoding limits.</summary>
    public LegacyValueLimits Limits { get; }

    /// <summary>
    /// Decodes a type-20 value: an instance of a mapped type, a built-in shape (arrays, <see cref="List{T}"/>,
    /// <see cref="Dictionary{TKey, TValue}"/>, enums, …), or a read-only view of an unmapped record.
    /// </summary>
    /// <exception cref="LegacySessionFormatException">The stream is invalid, exceeds a limit, or does not fit the mapped types.</exception>
    public object? Deserialize(SerializedObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var payload = value.Payload;
        if (payload.Length > Limits.MaxPayloadLength)
        {
            throw new LegacySessionFormatException(
                $"The serialized object of {payload.Length} bytes exceeds the limit of {Limits.MaxPayloadLength} bytes (LegacyValueLimits.MaxPayloadLength).");
        }

        var stream = MemoryMarshal.TryGetArray(payload, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        var reader = NrbfValueReader.Rent(Map, Limits);
        object? result;
        try
        {
            // The decoder disposes the stream (leaveOpen: false), also when it fails: disposing it again here would
            // only repeat the work.
            var root = NrbfDecoder.Decode(stream, s_payloadOptions, leaveOpen: false);
            result = reader.ReadRoot(root);
        }
        catch (Exception ex) when (ex is not (LegacySessionFormatException or OutOfMemoryException or InsufficientExecutionStackException))
        {
            throw new LegacySessionFormatException($"The serialized object cannot be read: {ex.Message}", ex);
        }
        finally
        {
            reader.Return();
        }

        switch (result)
        {
            case LegacyObject view:
                view.Payload = payload;
                return view;
            case Array array when ContainsView(array):
                return new ReadOnlyLegacyList(array, payload);
            default:
                return result;
        }
    }

    /// <summary>Encodes a mapped object or built-in shape as the NRBF stream the legacy application reads.</summary>
    /// <exception cref="NotSupportedException">The object, or an object it references, cannot be written; the message says how to map it.</exception>
    public SerializedObject Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TryGetOriginal(value) is { } original)
        {
            return original;
        }

        EnsureSerializable(value.GetType(), null);
        // One growing buffer per thread: only the result is allocated per call. Serialize never re-enters itself.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        try
        {
            var writer = new NrbfValueWriter(_shapes, buffer);
            writer.WriteRoot(value);
            return new SerializedObject(buffer.WrittenSpan.ToArray());
        }
        finally
        {
            if (buffer.Capacity > 1024 * 1024)
            {
                t_buffer = null; // do not keep a huge buffer alive
            }
        }
    }

    /// <summary>
    /// Whether objects of a type can be written: mapped types, built-in shapes over mapped or built-in types, and
    /// views read from a stream (written back unchanged). Members typed <see cref="object"/> are checked when written.
    /// </summary>
    public bool CanSerialize(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type == typeof(LegacyObject) || type == typeof(ReadOnlyLegacyList) || _shapes.CanWrite(type, out _);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when objects of a type cannot be written, saying how to map it.</summary>
    internal void EnsureSerializable(Type type, string? key)
    {
        if (type == typeof(LegacyObject) || type == typeof(ReadOnlyLegacyList) || _shapes.CanWrite(type, out var reason))
        {
            return;
        }

        throw new ArgumentException(
            $"A value of type '{type}'{(key is null ? "" : $" stored under key '{key}'")} cannot be written in a form the legacy application reads. " +
            (reason ?? $"Map it with LegacyTypeMap.Map<{type.Name}>(\"Legacy.Namespace.{type.Name}, LegacyAssembly\") (MapEnum for an enum), or store a built-in shape: " +
            "primitives, string, DateTime, decimal, Guid, TimeSpan, DateTimeOffset, arrays, List<T>, Dictionary<TKey,TValue> with the default comparer, Hashtable, ArrayList."),
            "value");
    }

    private static SerializedObject? TryGetOriginal(object value) => value switch
    {
        LegacyObject { Payload.IsEmpty: false } view => new SerializedObject(view.Payload),
        LegacyObject view => throw new NotSupportedException(
            $"The read-only view of the legacy type '{view.TypeName}' was not read from a session value, so it has no bytes to write back; map that type with LegacyTypeMap.Map<T>."),
        ReadOnlyLegacyList list => new SerializedObject(list.Payload),
        _ => null,
    };

    private static bool ContainsView(Array array)
    {
        foreach (var element in array)
        {
            if (element is LegacyObject)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A root array holding unmapped records: read-only, written back as the bytes it came from.</summary>
    internal sealed class ReadOnlyLegacyList : ReadOnlyCollection<object?>
    {
        public ReadOnlyLegacyList(Array array, ReadOnlyMemory<byte> payload)
            : base(array.Cast<object?>().ToArray()) => Payload = payload;

        public ReadOnlyMemory<byte> Payload { get; }
    }
}
