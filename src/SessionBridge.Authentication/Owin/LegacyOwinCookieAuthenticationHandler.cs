using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Authentication.Diagnostics;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Owin;

/// <summary>
/// Katana's <c>CookieAuthenticationHandler</c> as an ASP.NET Core scheme over the legacy OWIN cookie
/// (../spec/legacy-auth-cookies.md §6): chunked cookies joined, rejected or expired tickets treated as absent, sliding
/// renewal past half-life unless <c>.refresh</c> is False, claims kept exactly.
/// </summary>
internal sealed class LegacyOwinCookieAuthenticationHandler(
    IOptionsMonitor<LegacyOwinCookieAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : SignInAuthenticationHandler<LegacyOwinCookieAuthenticationOptions>(options, logger, encoder)
{
    private OwinCookieProtector Protector => Options.Protector
        ?? throw new InvalidOperationException(Options.ConfigurationError ?? "The legacy OWIN cookie scheme has no machineKey.");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var name = Options.EffectiveCookieName;
        var value = KatanaChunkedCookie.Join(name, key => Request.Cookies[key]);
        if (string.IsNullOrEmpty(value))
        {
            if (value is null && Request.Cookies.ContainsKey(name))
            {
                AuthenticationLog.CookieRejected(Logger, Scheme.Name, name, "a chunk of it is missing or the chunk count is out of range");
            }

            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var ticket = Protector.Unprotect(value, out var reason);
        if (ticket is null)
        {
            AuthenticationLog.CookieRejected(Logger, Scheme.Name, name, reason ?? "it is not a valid ticket");
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var now = TimeProvider.GetUtcNow();
        if (ticket.ExpiresUtc is { } expires && expires < now)
        {
            AuthenticationLog.TicketExpired(Logger, Scheme.Name, name, expires);
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.SlidingExpiration && ticket.AllowRefresh != false && ticket.IssuedUtc is { } issued && ticket.ExpiresUtc is { } expiry
            && expiry - now < now - issued && !Response.HasStarted)
        {
            ticket = ticket.WithDates(now, now + (expiry - issued));
            AppendCookies(ticket);
            AuthenticationLog.TicketRenewed(Logger, Scheme.Name, name);
        }

        var properties = new AuthenticationProperties(ticket.Properties.ToDictionary(p => p.Key, p => p.Value));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(ticket.Identity), properties, Scheme.Name)));
    }

    protected override Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var source = user.Identities.FirstOrDefault(i => i.AuthenticationType == Options.AuthenticationType) ?? user.Identities.FirstOrDefault()
            ?? throw new InvalidOperationException("Sign in a principal with an identity.");
        var identity = source.AuthenticationType == Options.AuthenticationType
            ? source
            : new ClaimsIdentity(source.Claims.Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer, c.OriginalIssuer)), Options.AuthenticationType, source.NameClaimType, source.RoleClaimType)
            {
                BootstrapContext = source.BootstrapContext,
            };

        // ASP.NET Identity's SignInManager then Katana's handler: [.persistent], the caller's items, .issued, .expires.
        var now = TimeProvider.GetUtcNow();
        var issued = TruncateToSeconds(now);
        var expires = properties?.ExpiresUtc ?? issued + Options.ExpireTimeSpan;
        var list = new List<KeyValuePair<string, string?>>();
        if (properties?.IsPersistent == true)
        {
            list.Add(new(OwinTicket.PersistentKey, ""));
        }

        if (properties is not null)
        {
            list.AddRange(properties.Items.Where(p => p.Key is not (OwinTicket.PersistentKey or OwinTicket.IssuedKey or OwinTicket.ExpiresKey)));
        }

        list.Add(new(OwinTicket.IssuedKey, OwinTicket.FormatDate(issued)));
        list.Add(new(OwinTicket.ExpiresKey, OwinTicket.FormatDate(expires)));
        AppendCookies(new OwinTicket(identity, list));
        return Task.CompletedTask;
    }

    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var name = Options.EffectiveCookieName;
        var cookieOptions = CookieOptions(expires: null);
        Response.Cookies.Delete(name, cookieOptions);
        foreach (var key in Request.Cookies.Keys.Where(k => k.StartsWith(name + "C", StringComparison.Ordinal) && int.TryParse(k.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            Response.Cookies.Delete(key, cookieOptions);
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
        var loginPath = Options.LoginPath.StartsWith('/') ? Request.PathBase + Options.LoginPath : Options.LoginPath;
        var separator = loginPath.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        Response.Redirect(loginPath + separator + Uri.EscapeDataString(Options.ReturnUrlParameter) + "=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private void AppendCookies(OwinTicket ticket)
    {
        var cookieOptions = CookieOptions(ticket.IsPersistent ? ticket.ExpiresUtc : null);
        var name = Options.EffectiveCookieName;
        // The attributes ASP.NET Core writes after the value count against Katana's chunk budget.
        var attributes = cookieOptions.CreateCookieHeader("x", "").ToString().Length - "x=".Length;
        foreach (var (key, value) in KatanaChunkedCookie.Split(name, Protector.Protect(ticket), attributes, Options.ChunkSize))
        {
            Response.Cookies.Append(key, value, cookieOptions);
        }
    }

    private CookieOptions CookieOptions(DateTimeOffset? expires) => new()
    {
        Path = Options.CookiePath,
        Domain = Options.CookieDomain,
        HttpOnly = true,
        Secure = Options.CookieSecure switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => Request.IsHttps,
        },
        SameSite = Options.CookieSameSite,
        Expires = expires,
    };
}
