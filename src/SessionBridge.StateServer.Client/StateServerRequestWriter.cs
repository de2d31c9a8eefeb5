using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// Builds requests the way System.Web's client sends them (state-server-exchanges.json; spec §3.4):
/// <code>
/// GET target HTTP/1.1 / Host                                  GetItem
///   + Exclusive: Acquire                                      GetItemExclusive
///   + Exclusive: Release, Lock-Cookie                         ReleaseItemExclusive
/// PUT … / Host, Content-Length, Timeout, Lock-Cookie, ExtraFlags + blob   SetAndReleaseItemExclusive, CreateUninitializedItem
/// DELETE … / Host, Lock-Cookie                                RemoveItem
/// HEAD … / Host                                               ResetItemTimeout
/// </code>
/// </summary>
internal static class StateServerRequestWriter
{
    public static byte[] Get(string target, string host, string? exclusive = null, int? lockCookie = null)
    {
        var output = Start("GET ", target, host);
        if (exclusive is not null)
        {
            Ascii(output, "Exclusive: " + exclusive + "\r\n");
        }

        if (lockCookie is { } cookie)
        {
            Number(output, "Lock-Cookie: "u8, cookie);
        }

        return End(output, default);
    }

    public static byte[] Put(string target, string host, ReadOnlySpan<byte> body, int timeout, int lockCookie, int extraFlags)
    {
        var output = Start("PUT ", target, host);
        Number(output, "Content-Length: "u8, body.Length);
        Number(output, "Timeout: "u8, timeout);
        Number(output, "Lock-Cookie: "u8, lockCookie);
        Number(output, "ExtraFlags: "u8, extraFlags);
        return End(output, body);
    }

    public static byte[] Delete(string target, string host, int lockCookie)
    {
        var output = Start("DELETE ", target, host);
        Number(output, "Lock-Cookie: "u8, lockCookie);
        return End(output, default);
    }

    public static byte[] Head(string target, string host) => End(Start("HEAD ", target, host), default);

    private static ArrayBufferWriter<byte> Start(string verb, string target, string host)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Ascii(output, verb);
        Ascii(output, target);
        Ascii(output, " HTTP/1.1\r\nHost: ");
        Ascii(output, host);
        Ascii(output, "\r\n");
        return output;
    }

    private static byte[] End(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> body)
    {
        output.Write("\r\n"u8);
        output.Write(body);
        return output.WrittenSpan.ToArray();
    }

    private static void Ascii(ArrayBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    private static void Number(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> name, long value)
    {
        output.Write(name);
        var span = output.GetSpan(22);
        Utf8Formatter.TryFormat(value, span, out var written);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }
}
