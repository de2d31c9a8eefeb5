namespace SessionBridge.Legacy.Authentication;

/// <summary>A <c>FormsAuthenticationTicket</c>: the fields its serializer stores (../spec/legacy-auth-cookies.md §2).</summary>
/// <param name="Version">The ticket version (one byte on the wire; <c>SetAuthCookie</c> writes 2).</param>
/// <param name="Name">The user name.</param>
/// <param name="IssueDateUtcTicks">UTC ticks of the issue date.</param>
/// <param name="ExpirationUtcTicks">UTC ticks of the expiration.</param>
/// <param name="IsPersistent">Whether the cookie outlives the browser session.</param>
/// <param name="UserData">Application data (often roles).</param>
/// <param name="CookiePath">The path the cookie is written on (the module renews on it).</param>
internal sealed record FormsTicket(byte Version, string Name, long IssueDateUtcTicks, long ExpirationUtcTicks, bool IsPersistent, string UserData, string CookiePath)
{
    public DateTimeOffset IssueDateUtc => new(IssueDateUtcTicks, TimeSpan.Zero);

    public DateTimeOffset ExpirationUtc => new(ExpirationUtcTicks, TimeSpan.Zero);

    /// <summary>System.Web's <c>Expired</c>: expiration before now, no clock skew.</summary>
    public bool IsExpired(DateTimeOffset utcNow) => ExpirationUtcTicks < utcNow.UtcTicks;

    /// <summary><c>RenewTicketIfOld</c>'s rule: renew when the remaining lifetime is not longer than the age.</summary>
    public bool NeedsRenewal(DateTimeOffset utcNow) => ExpirationUtcTicks - utcNow.UtcTicks <= utcNow.UtcTicks - IssueDateUtcTicks;

    /// <summary>The renewed ticket: issued now, with the ticket's own lifetime.</summary>
    public FormsTicket Renewed(DateTimeOffset utcNow) =>
        this with { IssueDateUtcTicks = utcNow.UtcTicks, ExpirationUtcTicks = utcNow.UtcTicks + (ExpirationUtcTicks - IssueDateUtcTicks) };
}
