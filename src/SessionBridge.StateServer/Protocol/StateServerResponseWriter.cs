using System.Buffers;
using System.Buffers.Text;
using System.Text;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// Writes [MS-ASP] responses: <c>HTTP/1.1 code reason</c>, <c>Content-Length</c>, <c>X-AspNet-Version</c>, then
/// <c>Timeout</c>, <c>ActionFlags</c>, <c>LockCookie</c> (200) or <c>LockCookie</c>, <c>LockAge</c>, <c>LockDate</c> (423)
/// in the [MS-ASP] ABNF order. A 423 never has a body (Microsoft's RTM client leaks it).
/// </summary>
internal static class StateServerResponseWriter
{
    public static void Write(IBufferWriter<byte> output, StateServerResponse response, ReadOnlySpan<byte> aspNetVersion)
    {
        var body = response.Body.Span;
        byte[]? message = null;
        if (response.Status == 400 && body.IsEmpty && response.Message is not null)
        {
            message = Encoding.ASCII.GetBytes(response.Message);
            body = message;
        }

        if (response.Status == 423)
        {
            body = default;
        }

        WriteAscii(output, response.Status switch
        {
            200 => "HTTP/1.1 200 OK\r\n"u8,
            400 => "HTTP/1.1 400 Bad Request\r\n"u8,
            404 => "HTTP/1.1 404 Not Found\r\n"u8,
            423 => "HTTP/1.1 423 Locked\r\n"u8,
            _ => throw new ArgumentOutOfRangeException(nameof(response), response.Status, "[MS-ASP] defines 200, 400, 404 and 423 only."),
        });
        WriteHeader(output, "Content-Length: "u8, body.Length);
        if (!aspNetVersion.IsEmpty)
        {
            WriteAscii(output, "X-AspNet-Version: "u8);
            WriteAscii(output, aspNetVersion);
            WriteAscii(output, "\r\n"u8);
        }

        if (response.Status == 423)
        {
            if (response.ActionFlags)
            {
                WriteAscii(output, "ActionFlags: 1\r\n"u8);
            }

            WriteHeader(output, "LockCookie: "u8, response.LockCookie ?? 0);
            WriteHeader(output, "LockAge: "u8, response.LockAge ?? 0);
            WriteHeader(output, "LockDate: "u8, response.LockDate ?? 0);
        }
        else
        {
            if (response.Timeout is { } timeout)
            {
                WriteHeader(output, "Timeout: "u8, timeout);
            }

            if (response.ActionFlags)
            {
                WriteAscii(output, "ActionFlags: 1\r\n"u8);
            }

            if (response.LockCookie is { } cookie)
            {
                WriteHeader(output, "LockCookie: "u8, cookie);
            }
        }

        WriteAscii(output, "\r\n"u8);
        if (!body.IsEmpty)
        {
            output.Write(body);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> nameColonSpace, long value)
    {
        var span = output.GetSpan(nameColonSpace.Length + 22);
        nameColonSpace.CopyTo(span);
        Utf8Formatter.TryFormat(value, span[nameColonSpace.Length..], out var written);
        var total = nameColonSpace.Length + written;
        span[total++] = (byte)'\r';
        span[total++] = (byte)'\n';
        output.Advance(total);
    }

    private static void WriteAscii(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
