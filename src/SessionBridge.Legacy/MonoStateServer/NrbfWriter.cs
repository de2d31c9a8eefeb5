using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>The record-level writes the state server messages need ([MS-NRBF] §2.1), into a growable buffer.</summary>
internal sealed class NrbfWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    /// <summary>LengthPrefixedString: a 7-bit encoded UTF-8 byte count, then the bytes.</summary>
    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var n = (uint)length;
        while (n >= 0x80)
        {
            Byte((byte)(n | 0x80));
            n >>= 7;
        }

        Byte((byte)n);
        var span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    /// <summary>SerializationHeader: root and header ids 1/-1 with a call array, 0/0 without.</summary>
    public void Header(bool hasCallArray)
    {
        Byte(0);
        Int32(hasCallArray ? 1 : 0);
        Int32(hasCallArray ? -1 : 0);
        Int32(1);
        Int32(0);
    }

    public void Reference(int id)
    {
        Byte(9);
        Int32(id);
    }

    public void Null() => Byte(10);

    public void ObjectString(int id, string value)
    {
        Byte(6);
        Int32(id);
        String(value);
    }

    /// <summary>MemberPrimitiveTyped Boolean (in an object array).</summary>
    public void TypedBoolean(bool value)
    {
        Byte(8);
        Byte(1);
        Byte(value ? (byte)1 : (byte)0);
    }

    public void TypedInt32(int value)
    {
        Byte(8);
        Byte(8);
        Int32(value);
    }

    public void TypedTimeSpan(TimeSpan value)
    {
        Byte(8);
        Byte(12);
        Int64(value.Ticks);
    }

    public void ObjectArrayStart(int id, int length)
    {
        Byte(16);
        Int32(id);
        Int32(length);
    }

    public void ByteArray(int id, ReadOnlySpan<byte> value)
    {
        Byte(15);
        Int32(id);
        Int32(value.Length);
        Byte(2);
        Bytes(value);
    }

    public void Library(int id, string name)
    {
        Byte(12);
        Int32(id);
        String(name);
    }

    /// <summary>DateTime as [MS-NRBF] writes it: ticks with the kind in the top two bits.</summary>
    public void DateTime(DateTime value) => Int64(value.Ticks | ((long)value.Kind << 62));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
