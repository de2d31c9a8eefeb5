using Microsoft.Extensions.Logging;

namespace SessionBridge.Authentication.Diagnostics;

/// <summary>Authentication events (6xx). Keys, cookie values and ticket contents are never logged.</summary>
internal static partial class AuthenticationLog
{
    [LoggerMessage(EventId = 601, EventName = "LegacyCookieRejected", Level = LogLevel.Information,
        Message = "Scheme {Scheme}: the {Cookie} cookie was ignored because {Reason}; the request is treated as signed out.")]
    public static partial void CookieRejected(ILogger logger, string scheme, string cookie, string reason);

    [LoggerMessage(EventId = 602, EventName = "LegacyTicketExpired", Level = LogLevel.Debug,
        Message = "Scheme {Scheme}: the {Cookie} ticket expired at {Expiration:O}.")]
    public static partial void TicketExpired(ILogger logger, string scheme, string cookie, DateTimeOffset expiration);

    [LoggerMessage(EventId = 603, EventName = "LegacyTicketRenewed", Level = LogLevel.Debug,
        Message = "Scheme {Scheme}: the {Cookie} ticket passed half its lifetime and was renewed.")]
    public static partial void TicketRenewed(ILogger logger, string scheme, string cookie);

    [LoggerMessage(EventId = 604, EventName = "LegacyCookieOverHttp", Level = LogLevel.Debug,
        Message = "Scheme {Scheme}: the {Cookie} cookie arrived over plain HTTP and RequireSsl is set; it was ignored, as System.Web does.")]
    public static partial void CookieOverHttp(ILogger logger, string scheme, string cookie);

    [LoggerMessage(EventId = 606, EventName = "LegacySessionMissing", Level = LogLevel.Debug,
        Message = "Scheme {Scheme}: the request has no legacy session (call app.UseLegacySession() before app.UseAuthentication(), and do not disable the session on the endpoint).")]
    public static partial void SessionMissing(ILogger logger, string scheme);
}
