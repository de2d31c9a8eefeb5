using Microsoft.AspNetCore.Authentication;

namespace SessionBridge.Authentication;

/// <summary>
/// For legacy applications that keep the user in the session (<c>Session["UserName"]</c>, <c>Session["UserId"]</c>,
/// roles): which keys hold what (configuration: <c>LegacyAuthentication:Session</c>).
/// </summary>
/// <remarks>
/// Requires <c>app.UseLegacySession()</c> before <c>app.UseAuthentication()</c>. Sign-in needs an endpoint with
/// an exclusive session (<c>LegacySessionBehavior.Required</c>). A key set to <see langword="null"/> or empty is not used.
/// </remarks>
public sealed class LegacySessionAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The key of the user name (<c>ClaimTypes.Name</c>); the user is signed in when it holds a non-empty string.</summary>
    public string? UserNameKey { get; set; } = "UserName";

    /// <summary>The key of the user id (<c>ClaimTypes.NameIdentifier</c>).</summary>
    public string? UserIdKey { get; set; } = "UserId";

    /// <summary>The key of the roles (<c>ClaimTypes.Role</c>): a string split on <see cref="RolesSeparator"/>, or a string array.</summary>
    public string? RolesKey { get; set; } = "Roles";

    /// <summary>The separator of roles stored as one string.</summary>
    public char RolesSeparator { get; set; } = ',';

    /// <summary>More claims: session key → claim type.</summary>
    public IDictionary<string, string> ClaimKeys { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The identity's authentication type.</summary>
    public string AuthenticationType { get; set; } = LegacyAuthenticationDefaults.SessionScheme;

    /// <summary>Sign-in moves the session to a new ID (defence against session fixation).</summary>
    public bool RenewSessionIdOnSignIn { get; set; } = true;

    /// <summary>Sign-out abandons the session (and with it every other value), as a legacy logout page usually does.</summary>
    public bool AbandonOnSignOut { get; set; } = true;

    /// <summary>Where a challenge redirects; none means a bare 401.</summary>
    public string? LoginPath { get; set; }
}
