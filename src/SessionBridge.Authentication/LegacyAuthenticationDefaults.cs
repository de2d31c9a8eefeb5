namespace SessionBridge.Authentication;

/// <summary>The scheme names and the defaults of the legacy authentication schemes.</summary>
public static class LegacyAuthenticationDefaults
{
    /// <summary>The default scheme of <c>AddLegacyFormsAuthentication</c>.</summary>
    public const string FormsScheme = "LegacyForms";

    /// <summary>The default scheme of <c>AddLegacyOwinCookieAuthentication</c>.</summary>
    public const string OwinCookieScheme = "LegacyOwinCookie";

    /// <summary>The default scheme of <c>AddLegacySessionAuthentication</c>.</summary>
    public const string SessionScheme = "LegacySession";

    /// <summary>The configuration section the <c>IConfiguration</c> overloads expect (<c>LegacyAuthentication</c>).</summary>
    public const string ConfigurationSection = "LegacyAuthentication";

    /// <summary>The identity's authentication type for forms tickets (System.Web's <c>FormsIdentity.AuthenticationType</c>).</summary>
    public const string FormsAuthenticationType = "Forms";

    internal const string FormsCookieName = ".ASPXAUTH";
    internal const string FormsLoginUrl = "login.aspx";
    internal const int FormsTimeoutMinutes = 30;
    internal const string OwinAuthenticationType = "ApplicationCookie";
    internal const string OwinCookiePrefix = ".AspNet.";
    internal static readonly TimeSpan OwinExpireTimeSpan = TimeSpan.FromDays(14);
    internal const string ReturnUrlParameter = "ReturnUrl";
}
