using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication;

/// <summary>
/// The legacy application's <c>&lt;authentication mode="Forms"&gt;&lt;forms …/&gt;</c> (configuration:
/// <c>LegacyAuthentication:Forms</c>, names as the attributes) and its <see cref="MachineKey"/>.
/// </summary>
/// <remarks>
/// Defaults are System.Web's: <c>name</c> <c>.ASPXAUTH</c>, <c>loginUrl</c> <c>login.aspx</c>, <c>timeout</c> 30 minutes,
/// <c>slidingExpiration</c> true, <c>path</c> <c>/</c>, <c>requireSSL</c> false, <c>protection</c> <c>All</c>,
/// <c>cookieSameSite</c> Lax.
/// </remarks>
public sealed class LegacyFormsAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The legacy application's machineKey.</summary>
    public LegacyMachineKeyOptions MachineKey { get; set; } = new();

    /// <summary><c>name</c>: the cookie name.</summary>
    public string Name { get; set; } = LegacyAuthenticationDefaults.FormsCookieName;

    /// <summary><c>loginUrl</c>: where a challenge redirects (<c>~/</c> and relative URLs are resolved against the path base).</summary>
    public string LoginUrl { get; set; } = LegacyAuthenticationDefaults.FormsLoginUrl;

    /// <summary><c>timeout</c> in minutes: the lifetime of tickets this application issues.</summary>
    public int Timeout { get; set; } = LegacyAuthenticationDefaults.FormsTimeoutMinutes;

    /// <summary><c>slidingExpiration</c>: renew a ticket past half its lifetime.</summary>
    public bool SlidingExpiration { get; set; } = true;

    /// <summary><c>path</c>: the cookie path of tickets this application issues.</summary>
    public string Path { get; set; } = "/";

    /// <summary><c>domain</c>: the cookie domain.</summary>
    public string? Domain { get; set; }

    /// <summary><c>requireSSL</c>: send the cookie over HTTPS only, and ignore it over HTTP.</summary>
    public bool RequireSsl { get; set; }

    /// <summary><c>protection</c>: All, Encryption, Validation, None (only legacy compatibility modes honour it).</summary>
    public string Protection { get; set; } = "All";

    /// <summary><c>cookieSameSite</c>.</summary>
    public SameSiteMode CookieSameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>Turns a ticket's <c>userData</c> into extra claims (roles are often stored there); none by default.</summary>
    public Func<string, IEnumerable<Claim>>? UserDataClaims { get; set; }

    /// <summary>The <c>userData</c> of tickets this application issues, from the principal signed in; empty by default.</summary>
    public Func<ClaimsPrincipal, string>? UserDataFromPrincipal { get; set; }

    internal FormsCookieProtector? Protector { get; set; }

    internal string? ConfigurationError { get; set; }
}
