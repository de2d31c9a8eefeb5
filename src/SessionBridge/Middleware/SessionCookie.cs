using System.Text;
using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Middleware;

/// <summary>Reads and writes the session cookie exactly as System.Web does (../spec/legacy-session-format.md §2.3).</summary>
internal static class SessionCookie
{
    /// <summary>
    /// The presented ID, accepted by the legacy platform's rules (System.Web's stock SessionIDManager, or Mono's IDs),
    /// or <see langword="null"/> when absent or invalid.
    /// </summary>
    public static string? Read(HttpRequest request, string cookieName, LegacyPlatform platform = LegacyPlatform.SystemWeb) =>
        request.Cookies.TryGetValue(cookieName, out var value) ? SessionIds.Accept(platform, value) : null;

    /// <summary>Adds <c>name=value; domain=…; path=/; secure; HttpOnly; SameSite=Lax</c>, in System.Web's order and casing.</summary>
    public static void Append(HttpContext context, LegacySessionOptions options, string sessionId)
    {
        var builder = new StringBuilder(96).Append(options.CookieName).Append('=').Append(sessionId);
        if (options.CookieDomain is { } domain)
        {
            builder.Append("; domain=").Append(domain);
        }

        builder.Append("; path=/");
        if (options.CookieSecure == CookieSecurePolicy.Always || (options.CookieSecure == CookieSecurePolicy.SameAsRequest && context.Request.IsHttps))
        {
            builder.Append("; secure");
        }

        builder.Append("; HttpOnly");
        switch (options.CookieSameSite)
        {
            case SameSiteMode.None:
                builder.Append("; SameSite=None");
                break;
            case SameSiteMode.Lax:
                builder.Append("; SameSite=Lax");
                break;
            case SameSiteMode.Strict:
                builder.Append("; SameSite=Strict");
                break;
            default:
                break;
        }

        context.Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.SetCookie, builder.ToString());
    }
}
