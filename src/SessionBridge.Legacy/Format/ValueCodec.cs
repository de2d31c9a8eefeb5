using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// One session value in System.Web's <c>AltSerialization</c> format: a type byte, then the payload
/// (../spec/legacy-session-format.md §1.5; reference source <c>System.Web/Util/altserialization.cs</c>).
/// </summary>
/// <remarks>
/// Types are tested in the order <c>WriteValueToStream</c> tests them. Everything else is type code 20, which
/// SessionBridge only writes from a <see cref="SerializedObject"/>: it never runs BinaryFormatter.
/// </remarks>
internal static class ValueCodec
{
    /// <summary>UTF-8 that throws on lone surrogates, as <c>BinaryWriter</c>'s default encoding does.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads the value whose slot starts at <paramref name="start"/> of the values region. As in System.Web, the
    /// payload is read from the start of the slot onwards; only an NRBF stream is bounded by the slot's end.
    /// </summary>
    public static object? Read(ReadOnlyMemory<byte> region, int start, int end)
    {
        if (start < 0 || start >= region.Length)
        {
            throw new LegacySessionFormatException(
                $"The session value's offset {start} lies outside the values region of {region.Length} bytes.");
        }

        var reader = new BlobReader(region.Span[start..], "session value");
        var code = (SessionValueTypeCode)reader.ReadByte();
        switch (code)
        {
            case SessionValueTypeCode.String:
                return reader.ReadString("the string value");
            case SessionValueTypeCode.Int32:
                return reader.ReadInt32();
            case SessionValueTypeCode.Boolean:
                return reader.ReadBoolean();
            case SessionValueTypeCode.DateTime:
                return new DateTime(ReadTicks(ref reader, "DateTime"));
            case SessionValueTypeCode.Decimal:
                return ReadDecimal(ref reader);
            case SessionValueTypeCode.Byte:
                return reader.ReadByte();
            case SessionValueTypeCode.Char:
                return ReadChar(ref reader);
            case SessionValueTypeCode.Single:
                return BinaryPrimitives.ReadSingleLittleEndian(reader.ReadBytes(4, "a Single"));
            case SessionValueTypeCode.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(reader.ReadBytes(8, "a Double"));
            case SessionValueTypeCode.SByte:
                return unchecked((sbyte)reader.ReadByte());
            case SessionValueTypeCode.Int16:
                return BinaryPrimitives.ReadInt16LittleEndian(reader.ReadBytes(2, "an Int16"));
            case SessionValueTypeCode.Int64:
                return BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "an Int64"));
            case SessionValueTypeCode.UInt16:
                return BinaryPrimitives.ReadUInt16LittleEndian(reader.ReadBytes(2, "a UInt16"));
            case SessionValueTypeCode.UInt32:
                return BinaryPrimitives.ReadUInt32LittleEndian(reader.ReadBytes(4, "a UInt32"));
            case SessionValueTypeCode.UInt64:
                return BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8, "a UInt64"));
            case SessionValueTypeCode.TimeSpan:
                return new TimeSpan(BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "a TimeSpan")));
            case SessionValueTypeCode.Guid:
                return new Guid(reader.ReadBytes(16, "a Guid"));
            case SessionValueTypeCode.IntPtr:
                return (nint)BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "a 64-bit IntPtr"));
            case SessionValueTypeCode.UIntPtr:
                return (nuint)BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8, "a 64-bit UIntPtr"));
            case SessionValueTypeCode.Object:
                if (end <= start + 1 || end > region.Length)
                {
                    throw new LegacySessionFormatException(
                        $"The session value's slot [{start}, {end}) cannot hold an NRBF stream in a values region of {region.Length} bytes.");
                }

                return new SerializedObject(region[(start + 1)..end]);
            default:
                // Null (21), and any byte System.Web does not know: ReadValueFromStream returns null for both.
                return null;
        }
    }

    private static long ReadTicks(ref BlobReader reader, string type)
    {
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "a " + type));
        if ((ulong)ticks > (ulong)DateTime.MaxValue.Ticks)
        {
            throw new LegacySessionFormatException($"The {type} value holds {ticks} ticks, outside the range of {type}.");
        }

        return ticks;
    }

    private static decimal ReadDecimal(ref BlobReader reader)
    {
        var bytes = reader.ReadBytes(16, "a Decimal");
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
        }

        try
        {
            return new decimal(bits);
        }
        catch (ArgumentException ex)
        {
            throw new LegacySessionFormatException("The Decimal value's flags are invalid (scale above 28 or reserved bits set).", ex);
        }
    }

    private static char ReadChar(ref BlobReader reader)
    {
        // BinaryReader.ReadChar decodes one UTF-8 sequence (1 to 3 bytes); an invalid lead byte decodes as U+FFFD.
        var first = reader.ReadByte();
        if (first >= 0xF0 && first <= 0xF4)
        {
            throw new LegacySessionFormatException("The Char value is a 4-byte UTF-8 sequence, which needs two UTF-16 chars.");
        }

        var length = first switch
        {
            >= 0xE0 and < 0xF0 => 3,
            >= 0xC2 and < 0xE0 => 2,
            _ => 1,
        };

        Span<byte> sequence = stackalloc byte[3];
        sequence[0] = first;
        for (var i = 1; i < length; i++)
        {
            sequence[i] = reader.ReadByte();
        }

        Span<char> chars = stackalloc char[4];
        var count = Encoding.UTF8.GetChars(sequence[..length], chars);
        return count == 1
            ? chars[0]
            : throw new LegacySessionFormatException("The Char value is not one UTF-8 encoded character.");
    }

    /// <summary>Whether System.Web counts reading this value as a possible mutation (its <c>s_immutableTypes</c>).</summary>
    public static bool IsImmutable(object value) => value is string or int or bool or DateTime or decimal or byte
        or char or float or double or sbyte or short or long or ushort or uint or ulong or TimeSpan or Guid
        or nint or nuint;

    /// <summary>The type code <c>WriteValueToStream</c> chooses for a value.</summary>
    public static SessionValueTypeCode GetTypeCode(object? value) => value switch
    {
        null => SessionValueTypeCode.Null,
        string => SessionValueTypeCode.String,
        int => SessionValueTypeCode.Int32,
        bool => SessionValueTypeCode.Boolean,
        DateTime => SessionValueTypeCode.DateTime,
        decimal => SessionValueTypeCode.Decimal,
        byte => SessionValueTypeCode.Byte,
        char => SessionValueTypeCode.Char,
        float => SessionValueTypeCode.Single,
        double => SessionValueTypeCode.Double,
        sbyte => SessionValueTypeCode.SByte,
        short => SessionValueTypeCode.Int16,
        long => SessionValueTypeCode.Int64,
        ushort => SessionValueTypeCode.UInt16,
        uint => SessionValueTypeCode.UInt32,
        ulong => SessionValueTypeCode.UInt64,
        TimeSpan => SessionValueTypeCode.TimeSpan,
        Guid => SessionValueTypeCode.Guid,
        nint => SessionValueTypeCode.IntPtr,
        nuint => SessionValueTypeCode.UIntPtr,
        _ => SessionValueTypeCode.Object,
    };

    /// <summary>
    /// Throws when a value cannot be written in a form the legacy application reads: a type other than the 19
    /// primitive types, <see langword="null"/> and <see cref="SerializedObject"/>, or text that is not valid UTF-16.
    /// </summary>
    public static void EnsureWritable(object? value, string? key) => EnsureWritable(value, key, serializer: null);

    /// <summary>
    /// Throws when a value cannot be written in a form the legacy application reads; with a serializer, objects of its
    /// mapped types and built-in shapes are writable too (they are encoded when the session is written).
    /// </summary>
    public static void EnsureWritable(object? value, string? key, Values.LegacyValueSerializer? serializer)
    {
        switch (value)
        {
            case string s:
                EnsureValidText(s, key, "value");
                break;
            case char c when char.IsSurrogate(c):
                throw new ArgumentException(
                    $"The char U+{(int)c:X4} stored under key '{key}' is a lone surrogate; System.Web's writer cannot encode it as UTF-8.",
                    nameof(value));
            case SerializedObject:
                break;
            default:
                if (GetTypeCode(value) == SessionValueTypeCode.Object)
                {
                    if (serializer is not null)
                    {
                        serializer.EnsureSerializable(value!.GetType(), key);
                        break;
                    }

                    throw new ArgumentException(
                        $"A value of type '{value!.GetType().FullName}' stored under key '{key}' cannot be written in a form the legacy application reads. " +
                        "Store one of the primitive types System.Web writes natively (string, the integer and floating-point types, bool, char, decimal, " +
                        "DateTime, TimeSpan, Guid), null, or a SerializedObject holding the NRBF bytes the legacy application's BinaryFormatter wrote; " +
                        "or give the collection a LegacyValueSerializer (SessionStateItemCollection.ValueSerializer) whose LegacyTypeMap maps this type.",
                        nameof(value));
                }

                break;
        }
    }

    /// <summary>Throws when text holds a lone surrogate, which System.Web's UTF-8 writer refuses.</summary>
    public static void EnsureValidText(string text, string? key, string what)
    {
        if (Ascii.IsValid(text))
        {
            return;
        }

        try
        {
            _ = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(
                $"The {what} for key '{key}' holds a lone surrogate at index {ex.Index}; System.Web's writer cannot encode it as UTF-8.",
                what,
                ex);
        }
    }

    /// <summary>The number of bytes <see cref="Write"/> writes for a value.</summary>
    public static int GetEncodedSize(object? value) => value switch
    {
        null => 1,
        string s => 1 + GetStringSize(s),
        int or float or uint => 5,
        bool or byte or sbyte => 2,
        DateTime or double or long or ulong or TimeSpan or nint or nuint => 9,
        decimal => 17,
        char c => 1 + GetCharSize(c),
        short or ushort => 3,
        Guid => 17,
        SerializedObject o => 1 + o.Payload.Length,
        _ => ThrowNotWritable(value),
    };

    /// <summary>A string as <c>BinaryWriter.Write(string)</c> writes it: 7-bit encoded UTF-8 byte count, then the bytes.</summary>
    public static int GetStringSize(string s)
    {
        var bytes = StrictUtf8.GetByteCount(s);
        return BlobReader.Get7BitSize((uint)bytes) + bytes;
    }

    private static int GetCharSize(char c) => c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

    public static int WriteString(string s, Span<byte> destination)
    {
        var count = StrictUtf8.GetByteCount(s);
        var written = Write7Bit((uint)count, destination);
        return written + StrictUtf8.GetBytes(s, destination[written..]);
    }

    private static int Write7Bit(uint value, Span<byte> destination)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Writes a value with its type byte; returns the number of bytes written.</summary>
    public static int Write(object? value, Span<byte> destination)
    {
        destination[0] = (byte)GetTypeCode(value);
        var payload = destination[1..];
        switch (value)
        {
            case null:
                return 1;
            case string s:
                return 1 + WriteString(s, payload);
            case int v:
                BinaryPrimitives.WriteInt32LittleEndian(payload, v);
                return 5;
            case bool v:
                payload[0] = v ? (byte)1 : (byte)0;
                return 2;
            case DateTime v:
                BinaryPrimitives.WriteInt64LittleEndian(payload, v.Ticks);
                return 9;
            case decimal v:
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(v, bits);
                for (var i = 0; i < 4; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(payload[(i * 4)..], bits[i]);
                }

                return 17;
            case byte v:
                payload[0] = v;
                return 2;
            case char v:
                return 1 + StrictUtf8.GetBytes([v], payload);
            case float v:
                BinaryPrimitives.WriteSingleLittleEndian(payload, v);
                return 5;
            case double v:
                BinaryPrimitives.WriteDoubleLittleEndian(payload, v);
                return 9;
            case sbyte v:
                payload[0] = unchecked((byte)v);
                return 2;
            case short v:
                BinaryPrimitives.WriteInt16LittleEndian(payload, v);
                return 3;
            case long v:
                BinaryPrimitives.WriteInt64LittleEndian(payload, v);
                return 9;
            case ushort v:
                BinaryPrimitives.WriteUInt16LittleEndian(payload, v);
                return 3;
            case uint v:
                BinaryPrimitives.WriteUInt32LittleEndian(payload, v);
                return 5;
            case ulong v:
                BinaryPrimitives.WriteUInt64LittleEndian(payload, v);
                return 9;
            case TimeSpan v:
                BinaryPrimitives.WriteInt64LittleEndian(payload, v.Ticks);
                return 9;
            case Guid v:
                _ = v.TryWriteBytes(payload);
                return 17;
            case nint v:
                BinaryPrimitives.WriteInt64LittleEndian(payload, v);
                return 9;
            case nuint v:
                BinaryPrimitives.WriteUInt64LittleEndian(payload, v);
                return 9;
            case SerializedObject o:
                o.Payload.Span.CopyTo(payload);
                return 1 + o.Payload.Length;
            default:
                return ThrowNotWritable(value);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ThrowNotWritable(object value) =>
        throw new InvalidOperationException(
            $"Type '{value.GetType()}' has no session encoding; values are checked when they are stored, so this is a bug in SessionBridge.");
}
