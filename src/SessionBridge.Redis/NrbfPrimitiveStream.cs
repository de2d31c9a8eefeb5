using System.Buffers.Binary;
using System.Formats.Nrbf;
using System.Runtime.Serialization;
using System.Text;

namespace SessionBridge.Redis;

/// <summary>
/// The [MS-NRBF] stream BinaryFormatter writes for a string or a boxed primitive at the root, byte for byte: what the
/// Redis provider 2.x–4.x stores in a HASH field for such an item (../shared/spec/redis-provider-layout.md §1.3).
/// </summary>
/// <remarks>
/// <code>
/// SerializationHeader             00, rootId 1, headerId -1, version 1.0
/// string:                         BinaryObjectString 06, object id 1, the length-prefixed UTF-8 text
/// primitive:                      SystemClassWithMembersAndTypes 04, object id 1, the type name, the members
///                                 (names, BinaryTypeEnum.Primitive 00 each, their PrimitiveTypeEnum), the values:
///   System.Int32 … System.UInt64  m_value
///   System.Char                   m_value, one UTF-8 sequence
///   System.TimeSpan               _ticks (Int64)
///   System.DateTime               ticks (Int64), dateData (UInt64: the ticks with the Kind in the top two bits)
///   System.Decimal                flags, hi, lo, mid (Int32 each)
///   System.Guid                   _a (Int32), _b, _c (Int16), _d … _k (Byte)
///   System.IntPtr, System.UIntPtr value (Int64, UInt64)
/// MessageEnd                      0B
/// </code>
/// The tests check every shape against BinaryFormatter itself.
/// </remarks>
internal static class NrbfPrimitiveStream
{
    private static readonly byte[] s_header = [0x00, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0];

    private static readonly HashSet<string> s_primitiveNames = new(StringComparer.Ordinal)
    {
        "System.Boolean", "System.Byte", "System.Char", "System.Double", "System.Int16", "System.Int32", "System.Int64",
        "System.SByte", "System.Single", "System.UInt16", "System.UInt32", "System.UInt64", "System.TimeSpan",
        "System.DateTime", "System.Decimal", "System.Guid", "System.IntPtr", "System.UIntPtr",
    };

    /// <summary>The stream for a string or primitive, or <see langword="null"/> for any other value.</summary>
    public static byte[]? TryEncode(object value)
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
            double d => ("System.Double", [("m_value", 6, Bytes(8, s => BinaryPrimitives.WriteDoubleLittleEndian(s, d)))]),
            short s16 => ("System.Int16", [("m_value", 7, Bytes(2, s => BinaryPrimitives.WriteInt16LittleEndian(s, s16)))]),
            int i32 => ("System.Int32", [("m_value", 8, Int32(i32))]),
            long i64 => ("System.Int64", [("m_value", 9, Int64(i64))]),
            sbyte i8 => ("System.SByte", [("m_value", 10, [unchecked((byte)i8)])]),
            float f => ("System.Single", [("m_value", 11, Bytes(4, s => BinaryPrimitives.WriteSingleLittleEndian(s, f)))]),
            ushort u16 => ("System.UInt16", [("m_value", 14, Bytes(2, s => BinaryPrimitives.WriteUInt16LittleEndian(s, u16)))]),
            uint u32 => ("System.UInt32", [("m_value", 15, Bytes(4, s => BinaryPrimitives.WriteUInt32LittleEndian(s, u32)))]),
            ulong u64 => ("System.UInt64", [("m_value", 16, UInt64(u64))]),
            TimeSpan span => ("System.TimeSpan", [("_ticks", 9, Int64(span.Ticks))]),
            DateTime time => ("System.DateTime", [("ticks", 9, Int64(time.Ticks)), ("dateData", 16, UInt64(DateData(time)))]),
            decimal m => Decimal(m),
            Guid g => Guid(g),
            nint p => ("System.IntPtr", [("value", 9, Int64(p))]),
            nuint p => ("System.UIntPtr", [("value", 16, UInt64(p))]),
            _ => null,
        };

        if (record is not { } r)
        {
            return null;
        }

        var bytes = new List<byte>(128);
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

    /// <summary>
    /// The string or primitive a stream holds when it is exactly what <see cref="TryEncode"/> writes for that value
    /// (so writing the value back gives the very same bytes); otherwise <see langword="false"/>. Loads no type.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> stream, out object? value)
    {
        value = null;
        if (stream.Length < s_header.Length + 7 || !stream.StartsWith(s_header) || stream[^1] != 0x0B)
        {
            return false;
        }

        var record = stream[s_header.Length];
        if (record == 0x06)
        {
            return TryDecodeString(stream, out value);
        }

        if (record != 0x04 || !TryReadName(stream[(s_header.Length + 5)..], out var name) || !s_primitiveNames.Contains(name))
        {
            return false;
        }

        object? decoded;
        if (name == "System.Guid")
        {
            // System.Formats.Nrbf reads a Guid as a class record; its 16 member bytes end right before MessageEnd.
            decoded = new Guid(stream[^17..^1]);
            return Matches(decoded, stream, out value);
        }

        try
        {
            using var memory = new MemoryStream(stream.ToArray(), writable: false);
            decoded = NrbfDecoder.Decode(memory, leaveOpen: false) is PrimitiveTypeRecord primitive ? primitive.Value : null;
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or DecoderFallbackException or EndOfStreamException or ArgumentException or FormatException)
        {
            return false;
        }

        return Matches(decoded, stream, out value);
    }

    private static bool Matches(object? decoded, ReadOnlySpan<byte> stream, out object? value)
    {
        value = null;
        if (decoded is null || TryEncode(decoded) is not { } again || !again.AsSpan().SequenceEqual(stream))
        {
            return false;
        }

        value = decoded;
        return true;
    }

    private static bool TryDecodeString(ReadOnlySpan<byte> stream, out object? value)
    {
        value = null;
        var rest = stream[(s_header.Length + 1)..];
        if (BinaryPrimitives.ReadInt32LittleEndian(rest) != 1)
        {
            return false;
        }

        rest = rest[4..];
        if (!TryRead7Bit(rest, out var length, out var prefix) || prefix + length != rest.Length - 1)
        {
            return false;
        }

        try
        {
            var text = Legacy.Format.ValueCodec.StrictUtf8.GetString(rest.Slice(prefix, length));
            if (TryEncode(text) is not { } again || !again.AsSpan().SequenceEqual(stream))
            {
                return false;
            }

            value = text;
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool TryReadName(ReadOnlySpan<byte> bytes, out string name)
    {
        name = string.Empty;
        if (!TryRead7Bit(bytes, out var length, out var prefix) || length > 64 || prefix + length > bytes.Length)
        {
            return false;
        }

        var utf8 = bytes.Slice(prefix, length);
        if (!System.Text.Ascii.IsValid(utf8))
        {
            return false;
        }

        name = Encoding.ASCII.GetString(utf8);
        return true;
    }

    private static bool TryRead7Bit(ReadOnlySpan<byte> bytes, out int value, out int consumed)
    {
        value = 0;
        consumed = 0;
        var shift = 0;
        while (consumed < bytes.Length && consumed < 5)
        {
            var b = bytes[consumed++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value >= 0;
            }

            shift += 7;
        }

        return false;
    }

    private static (string, (string, byte, byte[])[]) Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        // decimal.GetBits gives lo, mid, hi, flags; .NET Framework's Decimal fields are flags, hi, lo, mid.
        return ("System.Decimal", [("flags", 8, Int32(bits[3])), ("hi", 8, Int32(bits[2])), ("lo", 8, Int32(bits[0])), ("mid", 8, Int32(bits[1]))]);
    }

    private static (string, (string, byte, byte[])[]) Guid(Guid value)
    {
        // Guid.ToByteArray is _a, _b, _c little-endian, then _d … _k: exactly the member values in order.
        var raw = value.ToByteArray();
        return ("System.Guid",
        [
            ("_a", 8, raw[0..4]), ("_b", 7, raw[4..6]), ("_c", 7, raw[6..8]),
            ("_d", 2, [raw[8]]), ("_e", 2, [raw[9]]), ("_f", 2, [raw[10]]), ("_g", 2, [raw[11]]),
            ("_h", 2, [raw[12]]), ("_i", 2, [raw[13]]), ("_j", 2, [raw[14]]), ("_k", 2, [raw[15]]),
        ]);
    }

    // DateTime's internal dateData: the ticks with the Kind in the top two bits (1 = Utc, 2 = Local).
    private static ulong DateData(DateTime time) => (ulong)time.Ticks | time.Kind switch
    {
        DateTimeKind.Utc => 0x4000000000000000UL,
        DateTimeKind.Local => 0x8000000000000000UL,
        _ => 0UL,
    };

    private static byte[] Int32(int value) => Bytes(4, s => BinaryPrimitives.WriteInt32LittleEndian(s, value));

    private static byte[] Int64(long value) => Bytes(8, s => BinaryPrimitives.WriteInt64LittleEndian(s, value));

    private static byte[] UInt64(ulong value) => Bytes(8, s => BinaryPrimitives.WriteUInt64LittleEndian(s, value));

    private static byte[] Bytes(int size, SpanWriter write)
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

    internal static void AddString(List<byte> buffer, string value)
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
