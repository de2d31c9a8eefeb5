using System.Buffers.Binary;
using System.Formats.Nrbf;
using System.Runtime.Serialization;
using System.Text;
using SessionBridge.Legacy.Format;
using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>
/// The provider 2.x–4.x data HASH: one field per item, each value the item serialized alone by BinaryFormatter
/// (../shared/spec/redis-provider-layout.md §1.3). Strings and simple primitives become their .NET values; every other
/// value stays a <see cref="SerializedObject"/> with its bytes exactly as stored, so it is written back unchanged.
/// </summary>
/// <remarks>
/// A string is written as [MS-NRBF] SerializationHeader, BinaryObjectString (object 1), MessageEnd; a boxed primitive
/// as SerializationHeader, SystemClassWithMembersAndTypes (e.g. <c>System.Int32</c> with one primitive member
/// <c>m_value</c>; <c>System.DateTime</c> with <c>ticks</c> and <c>dateData</c>), MessageEnd — what BinaryFormatter writes for a root of that type. A stored value is only turned
/// into a .NET value when writing it back that way gives the very same bytes.
/// </remarks>
internal static class RedisHashItemCodec
{
    private const string RedisNullTypeName = "Microsoft.Web.Redis.RedisNull";

    private static readonly byte[] s_header = [0x00, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Builds the collection from HGETALL's field/value list.</summary>
    public static SessionStateItemCollection Read(RedisResult[] fieldsAndValues)
    {
        var items = new SessionStateItemCollection();
        for (var i = 0; i + 1 < fieldsAndValues.Length; i += 2)
        {
            var name = (string?)fieldsAndValues[i] ?? string.Empty;
            var bytes = (byte[]?)fieldsAndValues[i + 1] ?? [];
            items[name] = Decode(bytes);
        }

        items.Dirty = false;
        return items;
    }

    /// <summary>The field/value pairs to store for <paramref name="items"/>.</summary>
    /// <exception cref="NotSupportedException">An item cannot be written in this layout.</exception>
    public static List<RedisValue> Write(SessionStateItemCollection items)
    {
        var pairs = new List<RedisValue>(items.Count * 2);
        for (var i = 0; i < items.Count; i++)
        {
            var key = items.GetKey(i) ?? throw new NotSupportedException(
                "The Redis provider 2.x–4.x layout cannot store an item with a null key.");
            pairs.Add(key);
            pairs.Add(Encode(items[i], key));
        }

        return pairs;
    }

    internal static object? Decode(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        SerializationRecord root;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            root = NrbfDecoder.Decode(stream, leaveOpen: true);
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or DecoderFallbackException or EndOfStreamException or ArgumentException or FormatException)
        {
            // Not NRBF (e.g. a custom redisSerializerType): keep the bytes as they are.
            return new SerializedObject(bytes);
        }

        if (root is ClassRecord { TypeName.FullName: RedisNullTypeName })
        {
            return null;
        }

        if (root is PrimitiveTypeRecord primitive && primitive.Value is { } value && TryEncodePrimitive(value) is { } encoded
            && encoded.AsSpan().SequenceEqual(bytes))
        {
            return value;
        }

        return new SerializedObject(bytes);
    }

    internal static byte[] Encode(object? value, string key) => value switch
    {
        SerializedObject serialized => serialized.Payload.ToArray(),
        null => throw new NotSupportedException(
            $"The Redis provider 2.x–4.x layout cannot store a null value (item '{key}'); remove the item instead."),
        _ => TryEncodePrimitive(value) ?? throw new NotSupportedException(
            $"The Redis provider 2.x–4.x layout stores strings, simple primitives and values kept from the legacy application; " +
            $"item '{key}' is a {value.GetType().Name}. Use the V5 layout, or store the value as a string."),
    };

    private static byte[]? TryEncodePrimitive(object value)
    {
        if (value is string text)
        {
            var buffer = new List<byte>(s_header.Length + text.Length + 12);
            buffer.AddRange(s_header);
            buffer.Add(0x06); // BinaryObjectString
            AddInt32(buffer, 1);
            AddString(buffer, text);
            buffer.Add(0x0B); // MessageEnd
            return [.. buffer];
        }

        (string TypeName, (string Name, byte PrimitiveType, byte[] Payload)[] Members)? record = value switch
        {
            bool b => ("System.Boolean", [("m_value", 1, [b ? (byte)1 : (byte)0])]),
            byte b => ("System.Byte", [("m_value", 2, [b])]),
            char c when !char.IsSurrogate(c) => ("System.Char", [("m_value", 3, Encoding.UTF8.GetBytes(c.ToString()))]),
            double d => ("System.Double", [("m_value", 6, LittleEndian(8, s => BinaryPrimitives.WriteDoubleLittleEndian(s, d)))]),
            short s16 => ("System.Int16", [("m_value", 7, LittleEndian(2, s => BinaryPrimitives.WriteInt16LittleEndian(s, s16)))]),
            int i32 => ("System.Int32", [("m_value", 8, LittleEndian(4, s => BinaryPrimitives.WriteInt32LittleEndian(s, i32)))]),
            long i64 => ("System.Int64", [("m_value", 9, LittleEndian(8, s => BinaryPrimitives.WriteInt64LittleEndian(s, i64)))]),
            sbyte i8 => ("System.SByte", [("m_value", 10, [unchecked((byte)i8)])]),
            float f => ("System.Single", [("m_value", 11, LittleEndian(4, s => BinaryPrimitives.WriteSingleLittleEndian(s, f)))]),
            ushort u16 => ("System.UInt16", [("m_value", 14, LittleEndian(2, s => BinaryPrimitives.WriteUInt16LittleEndian(s, u16)))]),
            uint u32 => ("System.UInt32", [("m_value", 15, LittleEndian(4, s => BinaryPrimitives.WriteUInt32LittleEndian(s, u32)))]),
            ulong u64 => ("System.UInt64", [("m_value", 16, LittleEndian(8, s => BinaryPrimitives.WriteUInt64LittleEndian(s, u64)))]),
            TimeSpan span => ("System.TimeSpan", [("_ticks", 9, LittleEndian(8, s => BinaryPrimitives.WriteInt64LittleEndian(s, span.Ticks)))]),
            DateTime time => ("System.DateTime",
            [
                ("ticks", 9, LittleEndian(8, s => BinaryPrimitives.WriteInt64LittleEndian(s, time.Ticks))),
                ("dateData", 16, LittleEndian(8, s => BinaryPrimitives.WriteUInt64LittleEndian(s, DateData(time)))),
            ]),
            _ => null,
        };

        if (record is not { } r)
        {
            return null;
        }

        var bytes = new List<byte>(96);
        bytes.AddRange(s_header);
        bytes.Add(0x04); // SystemClassWithMembersAndTypes
        AddInt32(bytes, 1);
        AddString(bytes, r.TypeName);
        AddInt32(bytes, r.Members.Length);
        foreach (var m in r.Members)
        {
            AddString(bytes, m.Name);
        }

        foreach (var _ in r.Members)
        {
            bytes.Add(0x00); // BinaryTypeEnum.Primitive
        }

        foreach (var m in r.Members)
        {
            bytes.Add(m.PrimitiveType);
        }

        foreach (var m in r.Members)
        {
            bytes.AddRange(m.Payload);
        }

        bytes.Add(0x0B);
        return [.. bytes];
    }

    // DateTime's internal dateData: the ticks with the Kind in the top two bits (1 = Utc, 2 = Local).
    private static ulong DateData(DateTime time) => (ulong)time.Ticks | time.Kind switch
    {
        DateTimeKind.Utc => 0x4000000000000000UL,
        DateTimeKind.Local => 0x8000000000000000UL,
        _ => 0UL,
    };

    private static byte[] LittleEndian(int size, SpanWriter write)
    {
        var bytes = new byte[size];
        write(bytes);
        return bytes;
    }

    private delegate void SpanWriter(Span<byte> destination);

    private static void AddInt32(List<byte> buffer, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static void AddString(List<byte> buffer, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var length = (uint)utf8.Length;
        while (length >= 0x80)
        {
            buffer.Add((byte)(length | 0x80));
            length >>= 7;
        }

        buffer.Add((byte)length);
        buffer.AddRange(utf8);
    }
}
