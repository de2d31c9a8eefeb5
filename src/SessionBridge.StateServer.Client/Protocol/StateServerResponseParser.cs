using System.Buffers;
using System.Text;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// Parses [MS-ASP] responses (the client side): <c>HTTP/1.1 code reason</c>, headers in any order and any case,
/// then exactly <c>Content-Length</c> body bytes (which every response carries, even a 400/404 whose small body the
/// client ignores). Header values that are not numbers where numbers belong make the response invalid.
/// </summary>
internal static class StateServerResponseParser
{
    public static StateServerParseStatus TryParse(
        ref ReadOnlySequence<byte> buffer,
        StateServerLimits limits,
        out StateServerResponse? response,
        out string? error,
        bool keepHeaders = false)
    {
        response = null;
        error = null;
        var headLength = HttpSyntax.FindHeadLength(buffer, limits.MaxHeadLength);
        if (headLength == 0)
        {
            return StateServerParseStatus.Incomplete;
        }

        if (headLength < 0)
        {
            error = $"The response head is longer than {limits.MaxHeadLength} bytes.";
            return StateServerParseStatus.Invalid;
        }

        var headBytes = buffer.Slice(0, headLength).ToArray();
        ReadOnlySpan<byte> head = headBytes.AsSpan(0, headBytes.Length - 4);
        if (!HttpSyntax.TryNextLine(ref head, out var statusLine)
            || statusLine.Length < 12
            || !(statusLine.StartsWith("HTTP/1.1 "u8) || statusLine.StartsWith("HTTP/1.0 "u8))
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            error = "The status line is not 'HTTP/1.1 code reason'.";
            return StateServerParseStatus.Invalid;
        }

        var code = HttpSyntax.ParseNumber(statusLine.Slice(9, 3));
        if (!code.IsNumber || code.Value is < 100 or > 999)
        {
            error = "The status code is not three digits.";
            return StateServerParseStatus.Invalid;
        }

        long contentLength = -1;
        NumericHeader timeout = default, lockCookie = default, lockAge = default, lockDate = default, actionFlags = default;
        string? version = null;
        var count = 0;
        List<KeyValuePair<string, string>>? headers = keepHeaders ? [] : null;
        while (!head.IsEmpty)
        {
            if (!HttpSyntax.TryNextLine(ref head, out var line) || ++count > limits.MaxHeaderCount)
            {
                error = "The response has a malformed header block or too many headers.";
                return StateServerParseStatus.Invalid;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpSyntax.IsToken(line[..colon]))
            {
                error = "A response header line is not 'Name: value'.";
                return StateServerParseStatus.Invalid;
            }

            var name = line[..colon];
            var value = HttpSyntax.TrimWhitespace(line[(colon + 1)..]);
            headers?.Add(new(HttpSyntax.Ascii(name), HttpSyntax.Ascii(value)));
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                var number = HttpSyntax.ParseNumber(value);
                if (!number.IsNumber || number.Value < 0 || contentLength >= 0)
                {
                    error = "The response's Content-Length is missing a number or appears twice.";
                    return StateServerParseStatus.Invalid;
                }

                contentLength = number.Value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "X-AspNet-Version"u8))
            {
                version = HttpSyntax.Ascii(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Timeout"u8))
            {
                timeout = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "LockCookie"u8) || Ascii.EqualsIgnoreCase(name, "Lock-Cookie"u8))
            {
                lockCookie = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "LockAge"u8))
            {
                lockAge = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "LockDate"u8))
            {
                lockDate = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "ActionFlags"u8))
            {
                actionFlags = HttpSyntax.ParseNumber(value);
            }
        }

        if (contentLength < 0)
        {
            error = "The response has no Content-Length.";
            return StateServerParseStatus.Invalid;
        }

        if (contentLength > limits.MaxBodyLength)
        {
            error = $"The response body ({contentLength} bytes) is larger than the limit of {limits.MaxBodyLength} bytes.";
            return StateServerParseStatus.Invalid;
        }

        foreach (var header in (ReadOnlySpan<NumericHeader>)[timeout, lockCookie, lockAge, lockDate, actionFlags])
        {
            if (header.IsPresent && !header.IsNumber)
            {
                error = "A numeric response header (Timeout, LockCookie, LockAge, LockDate, ActionFlags) is not a number.";
                return StateServerParseStatus.Invalid;
            }
        }

        if (lockCookie.IsPresent && lockCookie.Value is < int.MinValue or > int.MaxValue)
        {
            error = "The response's LockCookie is not a 32-bit number.";
            return StateServerParseStatus.Invalid;
        }

        if (buffer.Length - headLength < contentLength)
        {
            return StateServerParseStatus.Incomplete;
        }

        var body = contentLength == 0 ? [] : buffer.Slice(headLength, contentLength).ToArray();
        buffer = buffer.Slice(headLength + contentLength);
        response = new StateServerResponse
        {
            Status = (int)code.Value,
            Timeout = timeout.IsPresent ? (int)Math.Clamp(timeout.Value, int.MinValue, int.MaxValue) : null,
            LockCookie = lockCookie.IsPresent ? (int)lockCookie.Value : null,
            LockAge = lockAge.IsPresent ? lockAge.Value : null,
            LockDate = lockDate.IsPresent ? lockDate.Value : null,
            ActionFlags = actionFlags.IsPresent && (actionFlags.Value & 1) != 0,
            AspNetVersion = version,
            Body = body,
            Headers = headers,
            Message = code.Value == 400 && body.Length > 0 ? Encoding.ASCII.GetString(body) : null,
        };
        return StateServerParseStatus.Complete;
    }
}
