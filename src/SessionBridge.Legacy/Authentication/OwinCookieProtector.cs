using System.IO.Compression;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// Katana's cookie format under System.Web (../spec/legacy-auth-cookies.md §6.1):
/// <c>base64url(MachineKey.Protect(gzip(TicketSerializer bytes), "Microsoft.Owin.Security.Cookies.CookieAuthenticationMiddleware", authenticationType, "v1"))</c>.
/// </summary>
internal sealed class OwinCookieProtector
{
    /// <summary>The first purpose Katana's cookie middleware passes (its type's full name).</summary>
    public const string MiddlewarePurpose = "Microsoft.Owin.Security.Cookies.CookieAuthenticationMiddleware";

    /// <summary>The largest decompressed ticket accepted (a gzip bomb stops here).</summary>
    public const int MaxTicketBytes = 1024 * 1024;

    /// <summary>The longest cookie text accepted (after joining chunks).</summary>
    public const int MaxCookieLength = 256 * 1024;

    private readonly MachineKeyProtector _protector;

    /// <exception cref="MachineKeyConfigurationException">The settings cannot protect data with <c>MachineKey.Protect</c>.</exception>
    public OwinCookieProtector(MachineKeySettings settings, string authenticationType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationType);
        AuthenticationType = authenticationType;
        _protector = new MachineKeyProtector(settings, MiddlewarePurpose, authenticationType, "v1");
    }

    public string AuthenticationType { get; }

    public string Protect(OwinTicket ticket)
    {
        var serialized = OwinTicketSerializer.Serialize(ticket);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(serialized);
        }

        return LegacyCookieText.Base64UrlEncode(_protector.Protect(compressed.ToArray()));
    }

    /// <summary>Reads a cookie value; <see langword="null"/> with a reason when Katana's reader returns null.</summary>
    public OwinTicket? Unprotect(string? cookie, out string? reason)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > MaxCookieLength)
        {
            reason = string.IsNullOrEmpty(cookie) ? "the cookie is empty" : $"the cookie is longer than {MaxCookieLength} characters";
            return null;
        }

        var bytes = LegacyCookieText.Base64UrlDecode(cookie);
        if (bytes is null)
        {
            reason = "the cookie is not base64url";
            return null;
        }

        var compressed = _protector.Unprotect(bytes);
        if (compressed is null)
        {
            reason = "the signature or the encryption does not match this machineKey and authentication type";
            return null;
        }

        var serialized = Gunzip(compressed);
        if (serialized is null)
        {
            reason = $"the protected data is not gzip (or inflates beyond {MaxTicketBytes} bytes)";
            return null;
        }

        var ticket = OwinTicketSerializer.Deserialize(serialized);
        reason = ticket is null ? "the ticket is not in Katana's format 3" : null;
        return ticket;
    }

    /// <summary>Inflates at most <see cref="MaxTicketBytes"/>; <see langword="null"/> for invalid or oversized gzip.</summary>
    public static byte[]? Gunzip(byte[] compressed)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxTicketBytes)
                {
                    return null;
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
