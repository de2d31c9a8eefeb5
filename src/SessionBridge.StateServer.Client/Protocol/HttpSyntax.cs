using System.Buffers;
using System.Text;

namespace SessionBridge.StateServer.Client;

/// <summary>The small pieces of HTTP/1.1 message syntax the [MS-ASP] request and response parsers share.</summary>
internal static class HttpSyntax
{
    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public static ReadOnlySpan<byte> HeadTerminator => "\r\n\r\n"u8;

    /// <summary>
    /// Finds the end of a message head. Returns the head length including the blank line, 0 when it has not arrived
    /// yet, or -1 when more than <paramref name="maxHeadLength"/> bytes arrived without one.
    /// </summary>
    public static long FindHeadLength(in ReadOnlySequence<byte> buffer, int maxHeadLength)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> head, HeadTerminator, advancePastDelimiter: true))
        {
            var length = head.Length + HeadTerminator.Length;
            return length > maxHeadLength ? -1 : length;
        }

        return buffer.Length >= maxHeadLength ? -1 : 0;
    }

    /// <summary>RFC 9110 token characters.</summary>
    public static bool IsToken(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var b in value)
        {
            var ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                || b is (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
                    or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Header values: visible ASCII, space and tab (no control characters, no obs-text).</summary>
    public static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is < 0x20 and not (byte)'\t' || b >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = value.Length;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return value[start..end];
    }

    /// <summary>Parses an optionally signed decimal of at most 18 digits (anything longer is not a number here).</summary>
    public static NumericHeader ParseNumber(ReadOnlySpan<byte> value)
    {
        var negative = false;
        if (!value.IsEmpty && value[0] == (byte)'-')
        {
            negative = true;
            value = value[1..];
        }

        if (value.IsEmpty || value.Length > 18)
        {
            return NumericHeader.NotANumber;
        }

        long result = 0;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return NumericHeader.NotANumber;
            }

            result = (result * 10) + (b - '0');
        }

        return new NumericHeader(true, true, negative ? -result : result);
    }

    /// <summary>Splits <paramref name="head"/> (without the final blank line) at CRLF; a bare CR or LF inside a line fails.</summary>
    public static bool TryNextLine(ref ReadOnlySpan<byte> head, out ReadOnlySpan<byte> line)
    {
        var index = head.IndexOf(Crlf);
        if (index < 0)
        {
            line = head;
            head = default;
        }
        else
        {
            line = head[..index];
            head = head[(index + 2)..];
        }

        return line.IndexOfAny((byte)'\r', (byte)'\n') < 0;
    }

    public static string Ascii(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value);
}
