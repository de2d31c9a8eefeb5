using System.Buffers.Binary;
using System.Text;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// Reads the primitives System.Web's <c>BinaryReader</c> reads, over a span, with every length checked before use.
/// </summary>
internal ref struct BlobReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly string _what;
    private int _position;

    public BlobReader(ReadOnlySpan<byte> buffer, string what)
    {
        _buffer = buffer;
        _what = what;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public byte ReadByte()
    {
        Ensure(1, "a byte");
        return _buffer[_position++];
    }

    /// <summary>As <c>BinaryReader.ReadBoolean</c>: any non-zero byte is true.</summary>
    public bool ReadBoolean() => ReadByte() != 0;

    public int ReadInt32()
    {
        Ensure(4, "a 32-bit integer");
        var value = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
        _position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string description)
    {
        Ensure(count, description);
        var bytes = _buffer.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>As <c>BinaryReader.ReadString</c>: a 7-bit encoded byte length, then UTF-8 (invalid bytes become U+FFFD).</summary>
    public string ReadString(string description)
    {
        var bytes = ReadStringBytes(description, out _);
        return bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// The UTF-8 bytes of a <c>BinaryWriter</c> string, undecoded. <paramref name="canonicalPrefix"/> tells whether the
    /// length prefix has the fewest bytes possible, as <c>BinaryWriter</c> writes it.
    /// </summary>
    public ReadOnlySpan<byte> ReadStringBytes(string description, out bool canonicalPrefix)
    {
        var start = _position;
        var length = Read7BitEncodedLength(description);
        if (length < 0)
        {
            throw Fail(start, $"{description} has the invalid length {length}.");
        }

        canonicalPrefix = _position - start == Get7BitSize((uint)length);
        return ReadBytes(length, description);
    }

    /// <summary>The number of bytes of the 7-bit encoding of <paramref name="value"/>.</summary>
    public static int Get7BitSize(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>As <c>BinaryReader.Read7BitEncodedInt</c>: at most five bytes, the fifth holding the top four bits.</summary>
    private int Read7BitEncodedLength(string description)
    {
        var start = _position;
        uint result = 0;
        for (var shift = 0; shift < 28; shift += 7)
        {
            var b = ReadByte();
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (int)result;
            }
        }

        var last = ReadByte();
        if (last > 0b1111)
        {
            throw Fail(start, $"the length prefix of {description} is not a valid 7-bit encoded integer.");
        }

        return (int)(result | ((uint)last << 28));
    }

    private readonly void Ensure(int count, string description)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail(_position, $"the data ends after {_buffer.Length} bytes, while {count} more were needed for {description}.");
        }
    }

    public readonly LegacySessionFormatException Fail(int position, string problem) =>
        new($"The {_what} is invalid at byte {position}: {problem}");
}
