using System.Buffers;
using System.Text;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// Parses [MS-ASP] requests from the bytes received so far (whole, split anywhere, or one byte at a time).
/// </summary>
/// <remarks>
/// <para>Shape (../spec/state-server-protocol.md §3.5, ../spec/ms-asp-summary.md §2-4):</para>
/// <code>
/// VERB SP request-target SP HTTP/1.1 CRLF     VERB: GET | PUT | DELETE | HEAD (others parse as Unknown → 400)
/// *( name ":" OWS value OWS CRLF )            Host, Exclusive, Lock-Cookie (or LockCookie), Timeout, ExtraFlags, Content-Length
/// CRLF
/// [ body ]                                    PUT only: exactly Content-Length bytes
/// </code>
/// <para>
/// Tolerant where real clients and the spec disagree: header names and the <c>Exclusive</c> value in any case, the
/// target with or without a leading '/', escapes in either case. A <c>Content-Length</c> on GET/DELETE/HEAD is
/// ignored (the [MS-ASP] §4 examples print one on bodiless GETs; honouring it would stall the connection).
/// Strict on framing: a bad request line or header line, a duplicated framing header, a head longer than
/// <see cref="StateServerLimits.MaxHeadLength"/>, more than <see cref="StateServerLimits.MaxHeaderCount"/> headers or
/// a body above <see cref="StateServerLimits.MaxBodyLength"/> is <see cref="StateServerParseStatus.Invalid"/>.
/// </para>
/// </remarks>
internal static class StateServerRequestParser
{
    public static StateServerParseStatus TryParse(
        ref ReadOnlySequence<byte> buffer,
        StateServerLimits limits,
        out StateServerRequest? request,
        out string? error,
        bool keepHeaders = false)
    {
        request = null;
        error = null;
        var headLength = HttpSyntax.FindHeadLength(buffer, limits.MaxHeadLength);
        if (headLength == 0)
        {
            return StateServerParseStatus.Incomplete;
        }

        if (headLength < 0)
        {
            error = $"The request head is longer than {limits.MaxHeadLength} bytes.";
            return StateServerParseStatus.Invalid;
        }

        var headLengthInt = (int)headLength;
        byte[]? rented = null;
        var head = headLengthInt <= 1024 ? stackalloc byte[headLengthInt] : (rented = ArrayPool<byte>.Shared.Rent(headLengthInt)).AsSpan(0, headLengthInt);
        try
        {
            buffer.Slice(0, headLengthInt).CopyTo(head);
            var parsed = ParseHead(head[..^4], limits, keepHeaders, out error);
            if (parsed is null)
            {
                return StateServerParseStatus.Invalid;
            }

            if (parsed.Verb != StateServerVerb.Put || parsed.ContentLength <= 0)
            {
                request = parsed;
                buffer = buffer.Slice(headLengthInt);
                return StateServerParseStatus.Complete;
            }

            if (buffer.Length - headLengthInt < parsed.ContentLength)
            {
                return StateServerParseStatus.Incomplete;
            }

            var body = buffer.Slice(headLengthInt, parsed.ContentLength).ToArray();
            request = new StateServerRequest
            {
                Verb = parsed.Verb,
                Method = parsed.Method,
                Target = parsed.Target,
                IsHttp10 = parsed.IsHttp10,
                Exclusive = parsed.Exclusive,
                LockCookie = parsed.LockCookie,
                Timeout = parsed.Timeout,
                ExtraFlags = parsed.ExtraFlags,
                ContentLength = parsed.ContentLength,
                Headers = parsed.Headers,
                Body = body,
            };
            buffer = buffer.Slice(headLengthInt + parsed.ContentLength);
            return StateServerParseStatus.Complete;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static StateServerRequest? ParseHead(ReadOnlySpan<byte> head, StateServerLimits limits, bool keepHeaders, out string? error)
    {
        if (!HttpSyntax.TryNextLine(ref head, out var requestLine))
        {
            error = "The request line contains a bare CR or LF.";
            return null;
        }

        var firstSpace = requestLine.IndexOf((byte)' ');
        var lastSpace = requestLine.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            error = "The request line is not 'VERB target HTTP/1.1'.";
            return null;
        }

        var method = requestLine[..firstSpace];
        var target = requestLine[(firstSpace + 1)..lastSpace];
        var version = requestLine[(lastSpace + 1)..];
        if (method.Length > 16 || !HttpSyntax.IsToken(method))
        {
            error = "The request verb is not a valid token.";
            return null;
        }

        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
        {
            error = "The request line does not end with HTTP/1.1 or HTTP/1.0.";
            return null;
        }

        foreach (var b in target)
        {
            if (b is <= 0x20 or >= 0x7F)
            {
                error = "The request target contains a space, a control character or a non-ASCII byte.";
                return null;
            }
        }

        var verb = method switch
        {
            _ when method.SequenceEqual("GET"u8) => StateServerVerb.Get,
            _ when method.SequenceEqual("PUT"u8) => StateServerVerb.Put,
            _ when method.SequenceEqual("DELETE"u8) => StateServerVerb.Delete,
            _ when method.SequenceEqual("HEAD"u8) => StateServerVerb.Head,
            _ => StateServerVerb.Unknown,
        };

        var exclusive = StateServerExclusive.None;
        NumericHeader lockCookie = default, timeout = default, extraFlags = default;
        var contentLength = -1;
        var seen = 0;
        var count = 0;
        List<KeyValuePair<string, string>>? headers = keepHeaders ? [] : null;
        while (!head.IsEmpty)
        {
            if (!HttpSyntax.TryNextLine(ref head, out var line))
            {
                error = "A header line contains a bare CR or LF.";
                return null;
            }

            if (++count > limits.MaxHeaderCount)
            {
                error = $"The request has more than {limits.MaxHeaderCount} headers.";
                return null;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpSyntax.IsToken(line[..colon]))
            {
                error = "A header line is not 'Name: value'.";
                return null;
            }

            var name = line[..colon];
            var value = HttpSyntax.TrimWhitespace(line[(colon + 1)..]);
            if (!HttpSyntax.IsFieldValue(value))
            {
                error = "A header value contains a control character or a non-ASCII byte.";
                return null;
            }

            headers?.Add(new(HttpSyntax.Ascii(name), HttpSyntax.Ascii(value)));
            var bit = 0;
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                bit = 1;
                var number = HttpSyntax.ParseNumber(value);
                if (!number.IsNumber || number.Value < 0)
                {
                    error = "The Content-Length header is not a non-negative number.";
                    return null;
                }

                if (number.Value > limits.MaxBodyLength)
                {
                    if (verb == StateServerVerb.Put)
                    {
                        error = $"The body ({number.Value} bytes) is larger than the limit of {limits.MaxBodyLength} bytes.";
                        return null;
                    }
                }
                else
                {
                    contentLength = (int)number.Value;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Exclusive"u8))
            {
                bit = 2;
                exclusive = Ascii.EqualsIgnoreCase(value, "acquire"u8) ? StateServerExclusive.Acquire
                    : Ascii.EqualsIgnoreCase(value, "release"u8) ? StateServerExclusive.Release
                    : StateServerExclusive.Invalid;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Lock-Cookie"u8) || Ascii.EqualsIgnoreCase(name, "LockCookie"u8))
            {
                bit = 4;
                lockCookie = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Timeout"u8))
            {
                bit = 8;
                timeout = HttpSyntax.ParseNumber(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "ExtraFlags"u8))
            {
                bit = 16;
                extraFlags = HttpSyntax.ParseNumber(value);
            }

            if ((seen & bit) != 0)
            {
                error = $"The {HttpSyntax.Ascii(name)} header appears twice.";
                return null;
            }

            seen |= bit;
        }

        error = null;
        return new StateServerRequest
        {
            Verb = verb,
            Method = verb switch
            {
                StateServerVerb.Get => "GET",
                StateServerVerb.Put => "PUT",
                StateServerVerb.Delete => "DELETE",
                StateServerVerb.Head => "HEAD",
                _ => HttpSyntax.Ascii(method),
            },
            Target = Encoding.ASCII.GetString(target),
            IsHttp10 = version[^1] == (byte)'0',
            Exclusive = exclusive,
            LockCookie = lockCookie,
            Timeout = timeout,
            ExtraFlags = extraFlags,
            ContentLength = verb == StateServerVerb.Put ? contentLength : 0,
            Headers = headers,
        };
    }
}
