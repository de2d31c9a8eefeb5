using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Authentication.Diagnostics;

namespace SessionBridge.Authentication.Session;

/// <summary>
/// The user kept in the legacy session as an ASP.NET Core scheme: claims from configured keys; sign-in writes them
/// and renews the session ID; sign-out removes them and abandons the session.
/// </summary>
internal sealed class LegacySessionAuthenticationHandler(
    IOptionsMonitor<LegacySessionAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : SignInAuthenticationHandler<LegacySessionAuthenticationOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var session = Context.TryGetLegacySession();
        if (session is null)
        {
            AuthenticationLog.SessionMissing(Logger, Scheme.Name);
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Key(Options.UserNameKey) is not { } nameKey || Text(session[nameKey]) is not { Length: > 0 } name)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(Options.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, name, ClaimValueTypes.String, ClaimsIssuer));
        if (Key(Options.UserIdKey) is { } idKey && Text(session[idKey]) is { Length: > 0 } id)
        {
            identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, id, ClaimValueTypes.String, ClaimsIssuer));
        }

        if (Key(Options.RolesKey) is { } rolesKey)
        {
            var roles = session[rolesKey] switch
            {
                string text => text.Split(Options.RolesSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                IEnumerable<string> list => list.Where(r => !string.IsNullOrEmpty(r)).ToArray(),
                _ => [],
            };
            identity.AddClaims(roles.Select(r => new Claim(ClaimTypes.Role, r, ClaimValueTypes.String, ClaimsIssuer)));
        }

        foreach (var (key, type) in Options.ClaimKeys)
        {
            if (Text(session[key]) is { Length: > 0 } value)
            {
                identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIssuer));
            }
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var session = WritableSession("sign in");
        var name = user.Identity?.Name ?? user.FindFirst(ClaimTypes.Name)?.Value
            ?? throw new InvalidOperationException("Sign in a principal with a ClaimTypes.Name claim: it is what the session's user name key holds.");
        session[Key(Options.UserNameKey) ?? throw new InvalidOperationException("LegacyAuthentication:Session:UserNameKey is empty: set the session key of the user name.")] = name;
        if (Key(Options.UserIdKey) is { } idKey && user.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } id)
        {
            session[idKey] = id;
        }

        if (Key(Options.RolesKey) is { } rolesKey)
        {
            var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
            if (roles.Count > 0)
            {
                session[rolesKey] = string.Join(Options.RolesSeparator, roles);
            }
        }

        foreach (var (key, type) in Options.ClaimKeys)
        {
            if (user.FindFirst(type)?.Value is { } value)
            {
                session[key] = value;
            }
        }

        if (Options.RenewSessionIdOnSignIn)
        {
            _ = ((SessionBridge.Session.LegacySessionState)session).RenewId();
        }

        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var session = WritableSession("sign out");
        foreach (var key in new[] { Options.UserNameKey, Options.UserIdKey, Options.RolesKey }.Concat(Options.ClaimKeys.Keys))
        {
            if (Key(key) is { } k)
            {
                session.Remove(k);
            }
        }

        if (Options.AbandonOnSignOut)
        {
            session.Abandon();
        }

        return Task.CompletedTask;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(Options.LoginPath))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        var returnUrl = properties?.RedirectUri ?? (Request.PathBase + Request.Path + Request.QueryString).ToString();
        Response.Redirect(Options.LoginPath + (Options.LoginPath.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private static string? Key(string? key) => string.IsNullOrEmpty(key) ? null : key;

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    private SessionBridge.ILegacySessionState WritableSession(string action)
    {
        var session = Context.TryGetLegacySession() ?? throw new InvalidOperationException(
            $"To {action} with the legacy session scheme the request needs its session: call app.UseLegacySession() before the endpoint, and do not disable the session on it.");
        return session.IsReadOnly
            ? throw new InvalidOperationException($"To {action} with the legacy session scheme the endpoint needs an exclusive session: mark it LegacySessionBehavior.Required.")
            : session;
    }
}
