using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Authentication.Diagnostics;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Forms;

/// <summary>
/// FormsAuthenticationModule's behaviour as an ASP.NET Core scheme over the legacy <c>.ASPXAUTH</c> cookie
/// (../spec/legacy-auth-cookies.md §5): a ticket that fails validation or has expired is treated as absent; sliding
/// renewal past half-life on the ticket's own path; sign-in writes what <c>SetAuthCookie</c> writes; challenge
/// redirects to <c>loginUrl?ReturnUrl=…</c>.
/// </summary>
internal sealed class LegacyFormsAuthenticationHandler(
    IOptionsMonitor<LegacyFormsAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : SignInAuthenticationHandler<LegacyFormsAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>Items of <see cref="AuthenticationProperties"/> that carry the ticket's own fields.</summary>
    internal const string UserDataItem = "legacy.forms.userData";
    internal const string CookiePathItem = "legacy.forms.cookiePath";

    private FormsCookieProtector Protector => Options.Protector
        ?? throw new InvalidOperationException(Options.ConfigurationError ?? "The legacy forms scheme has no machineKey.");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var value = Request.Cookies[Options.Name];
        if (string.IsNullOrEmpty(value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.RequireSsl && !Request.IsHttps)
        {
            AuthenticationLog.CookieOverHttp(Logger, Scheme.Name, Options.Name);
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var ticket = Protector.Unprotect(value, out var reason);
        if (ticket is null)
        {
            AuthenticationLog.CookieRejected(Logger, Scheme.Name, Options.Name, reason ?? "it is not a valid ticket");
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var now = TimeProvider.GetUtcNow();
        if (ticket.IsExpired(now))
        {
            AuthenticationLog.TicketExpired(Logger, Scheme.Name, Options.Name, ticket.ExpirationUtc);
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.SlidingExpiration && ticket.NeedsRenewal(now) && !Response.HasStarted)
        {
            ticket = ticket.Renewed(now);
            AppendCookie(ticket);
            AuthenticationLog.TicketRenewed(Logger, Scheme.Name, Options.Name);
        }

        var identity = new ClaimsIdentity(LegacyAuthenticationDefaults.FormsAuthenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, ticket.Name, ClaimValueTypes.String, ClaimsIssuer));
        if (Options.UserDataClaims is { } userDataClaims)
        {
            identity.AddClaims(userDataClaims(ticket.UserData));
        }

        var properties = new AuthenticationProperties
        {
            IssuedUtc = ticket.IssueDateUtc,
            ExpiresUtc = ticket.ExpirationUtc,
            IsPersistent = ticket.IsPersistent,
        };
        properties.Items[UserDataItem] = ticket.UserData;
        properties.Items[CookiePathItem] = ticket.CookiePath;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name)));
    }

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Identity?.Name ?? user.FindFirst(ClaimTypes.Name)?.Value
            ?? throw new InvalidOperationException("A forms ticket needs a user name: sign in a principal with a ClaimTypes.Name claim.");
        var now = TimeProvider.GetUtcNow();
        var expires = properties?.ExpiresUtc ?? now.AddMinutes(Options.Timeout);
        var ticket = new FormsTicket(2, name, now.UtcTicks, expires.UtcTicks, properties?.IsPersistent ?? false,
            Options.UserDataFromPrincipal?.Invoke(user) ?? "", Options.Path);
        AppendCookie(ticket);
        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        Response.Cookies.Delete(Options.Name, CookieOptions(Options.Path, expires: null));
        return Task.CompletedTask;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var loginUrl = Options.LoginUrl;
        if (loginUrl.StartsWith("~/", StringComparison.Ordinal))
        {
            loginUrl = Request.PathBase + loginUrl[1..];
        }
        else if (!loginUrl.StartsWith('/') && !Uri.IsWellFormedUriString(loginUrl, UriKind.Absolute))
        {
            loginUrl = Request.PathBase + "/" + loginUrl;
        }

        // FormsAuthenticationModule.OnLeave: ReturnUrl is the raw URL, HttpUtility.UrlEncode'd (lower-case hex, '+' for space).
        var rawTarget = Context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        var returnUrl = properties?.RedirectUri
            ?? (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/' ? (Request.PathBase + Request.Path + Request.QueryString).ToString() : rawTarget);
        var separator = loginUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        Response.Redirect(loginUrl + separator + LegacyAuthenticationDefaults.ReturnUrlParameter + "=" + System.Web.HttpUtility.UrlEncode(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private void AppendCookie(FormsTicket ticket)
    {
        var value = Protector.Protect(ticket);
        if (value.Length > LegacyCookieText.MaxFormsCookieLength)
        {
            throw new InvalidOperationException(
                $"The forms ticket would be a {value.Length}-character cookie, and the legacy FormsAuthentication.Decrypt refuses more than {LegacyCookieText.MaxFormsCookieLength}: store less userData.");
        }

        Response.Cookies.Append(Options.Name, value, CookieOptions(ticket.CookiePath, ticket.IsPersistent ? ticket.ExpirationUtc : null));
    }

    private CookieOptions CookieOptions(string path, DateTimeOffset? expires) => new()
    {
        Path = path,
        Domain = Options.Domain,
        HttpOnly = true,
        Secure = Options.RequireSsl,
        SameSite = Options.CookieSameSite,
        Expires = expires,
    };
}
