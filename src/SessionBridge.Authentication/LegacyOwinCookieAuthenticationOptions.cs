using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication;

/// <summary>
/// The legacy application's Katana <c>CookieAuthenticationOptions</c> (MVC 5 / ASP.NET Identity; configuration:
/// <c>LegacyAuthentication:Owin</c>) and its <see cref="MachineKey"/>.
/// </summary>
/// <remarks>
/// Defaults are Katana's with ASP.NET Identity's authentication type: <c>AuthenticationType</c>
/// <c>ApplicationCookie</c>, cookie <c>.AspNet.</c> + AuthenticationType, <c>ExpireTimeSpan</c> 14 days,
/// <c>SlidingExpiration</c> true, <c>CookiePath</c> <c>/</c>, <c>CookieSecure</c> same as request, chunks of 4090 characters.
/// </remarks>
public sealed class LegacyOwinCookieAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The legacy application's machineKey (OWIN cookies use <c>MachineKey.Protect</c> whatever its compatibilityMode).</summary>
    public LegacyMachineKeyOptions MachineKey { get; set; } = new();

    /// <summary><c>AuthenticationType</c>: part of the protection purposes, so it must match the legacy middleware's.</summary>
    public string AuthenticationType { get; set; } = LegacyAuthenticationDefaults.OwinAuthenticationType;

    /// <summary><c>CookieName</c>; <see langword="null"/> means <c>.AspNet.</c> + <see cref="AuthenticationType"/>.</summary>
    public string? CookieName { get; set; }

    /// <summary><c>ExpireTimeSpan</c>.</summary>
    public TimeSpan ExpireTimeSpan { get; set; } = LegacyAuthenticationDefaults.OwinExpireTimeSpan;

    /// <summary><c>SlidingExpiration</c>.</summary>
    public bool SlidingExpiration { get; set; } = true;

    /// <summary><c>CookiePath</c>.</summary>
    public string CookiePath { get; set; } = "/";

    /// <summary><c>CookieDomain</c>.</summary>
    public string? CookieDomain { get; set; }

    /// <summary><c>CookieSecure</c>.</summary>
    public CookieSecurePolicy CookieSecure { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary><c>CookieSameSite</c> (Katana writes none by default).</summary>
    public SameSiteMode CookieSameSite { get; set; } = SameSiteMode.Unspecified;

    /// <summary><c>LoginPath</c>: where a challenge redirects; none means a bare 401, as Katana.</summary>
    public string? LoginPath { get; set; }

    /// <summary><c>ReturnUrlParameter</c>.</summary>
    public string ReturnUrlParameter { get; set; } = LegacyAuthenticationDefaults.ReturnUrlParameter;

    /// <summary>The chunking cookie manager's <c>ChunkSize</c>; <see langword="null"/> never chunks.</summary>
    public int? ChunkSize { get; set; } = KatanaChunkedCookie.DefaultChunkSize;

    internal string EffectiveCookieName => CookieName ?? LegacyAuthenticationDefaults.OwinCookiePrefix + AuthenticationType;

    internal OwinCookieProtector? Protector { get; set; }

    internal string? ConfigurationError { get; set; }
}
