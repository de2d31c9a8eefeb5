using System.Buffers.Binary;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// FormsAuthenticationTicketSerializer's "serialized format version 1" (../spec/legacy-auth-cookies.md §2).
/// </summary>
/// <remarks>
/// <code>
/// 01 | version (1) | issue ticks (Int64 LE) | FE | expiration ticks (Int64 LE) | persistent 00/01 |
/// name | userData | cookiePath | FF (last byte)
/// string = 7-bit count of UTF-16 code units, then the code units little-endian
/// </code>
/// The reader returns null for anything Microsoft's returns null for: wrong markers, a persistent byte other than 0/1,
/// incomplete strings, dates out of range, a missing footer or trailing bytes. Overlong 7-bit counts are accepted.
/// </remarks>
internal static class FormsTicketSerializer
{
    public static byte[] Serialize(FormsTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var length = 20 + StringSize(ticket.Name) + StringSize(ticket.UserData) + StringSize(ticket.CookiePath) + 1;
        var output = new byte[length];
        output[0] = 0x01;
        output[1] = ticket.Version;
        BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(2), ticket.IssueDateUtcTicks);
        output[10] = 0xFE;
        BinaryPrimitives.WriteInt64LittleEndian(output.AsSpan(11), ticket.ExpirationUtcTicks);
        output[19] = ticket.IsPersistent ? (byte)1 : (byte)0;
        var offset = 20;
        offset = WriteString(output, offset, ticket.Name);
        offset = WriteString(output, offset, ticket.UserData);
        offset = WriteString(output, offset, ticket.CookiePath);
        output[offset] = 0xFF;
        return output;
    }

    public static FormsTicket? Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 24 || data[0] != 0x01 || data[10] != 0xFE || data[19] > 1)
        {
            return null;
        }

        var issue = BinaryPrimitives.ReadInt64LittleEndian(data[2..]);
        var expiration = BinaryPrimitives.ReadInt64LittleEndian(data[11..]);
        if (!ValidTicks(issue) || !ValidTicks(expiration))
        {
            return null;
        }

        var offset = 20;
        if (!TryReadString(data, ref offset, out var name) || !TryReadString(data, ref offset, out var userData) || !TryReadString(data, ref offset, out var path))
        {
            return null;
        }

        return offset == data.Length - 1 && data[offset] == 0xFF
            ? new FormsTicket(data[1], name, issue, expiration, data[19] == 1, userData, path)
            : null;
    }

    private static bool ValidTicks(long ticks) => ticks >= 0 && ticks <= DateTime.MaxValue.Ticks;

    private static int StringSize(string value) => SevenBitSize(value.Length) + (value.Length * 2);

    private static int SevenBitSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static int WriteString(byte[] output, int offset, string value)
    {
        for (var v = (uint)value.Length; ; v >>= 7)
        {
            if (v < 0x80)
            {
                output[offset++] = (byte)v;
                break;
            }

            output[offset++] = (byte)(v | 0x80);
        }

        foreach (var c in value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(offset), c);
            offset += 2;
        }

        return offset;
    }

    private static bool TryReadString(ReadOnlySpan<byte> data, ref int offset, out string value)
    {
        value = "";
        // .NET Framework's BinaryReader.Read7BitEncodedInt: at most 5 bytes, bits past 32 dropped, a negative count fails.
        var count = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (offset >= data.Length || shift == 35)
            {
                return false;
            }

            var b = data[offset++];
            count |= unchecked((b & 0x7F) << shift);
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (count < 0 || (long)count * 2 > data.Length - offset)
        {
            return false;
        }

        var chars = count;
        value = string.Create(chars, (data.Slice(offset, chars * 2)).ToArray(), static (span, bytes) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2));
            }
        });
        offset += chars * 2;
        return true;
    }
}
