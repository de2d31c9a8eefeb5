using Microsoft.Extensions.Logging;

namespace SessionBridge.Redis;

internal sealed partial class RedisSessionStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 211, Level = LogLevel.Warning,
            Message = "Session {SessionId} was not found in the Redis provider {Layout} layout, but its keys exist in the other layout " +
                      "({OtherKey}). The legacy application uses a different provider version: set RedisSessionStoreOptions.KeyLayout " +
                      "to match it (V5 for Microsoft.Web.RedisSessionStateProvider 5.x, V2To4 for 2.x–4.x).")]
        public static partial void OtherLayoutFound(ILogger logger, string sessionId, RedisKeyLayout layout, string otherKey);

        [LoggerMessage(EventId = 212, Level = LogLevel.Warning,
            Message = "Redis session store operation {Operation} for session {SessionId} failed: {Reason}")]
        public static partial void OperationFailed(ILogger logger, string operation, string sessionId, string reason, Exception exception);

        [LoggerMessage(EventId = 213, Level = LogLevel.Warning,
            Message = "Could not subscribe to the lock-release channel; waiting requests fall back to polling until it succeeds. {Reason}")]
        public static partial void SubscribeFailed(ILogger logger, string reason, Exception exception);

        [LoggerMessage(EventId = 214, Level = LogLevel.Error,
            Message = "Session {SessionId} in Redis is not a valid session item collection; it is left untouched and the request fails.")]
        public static partial void UnreadableSession(ILogger logger, string sessionId, Exception exception);

        [LoggerMessage(EventId = 215, Level = LogLevel.Information,
            Message = "Redis session store connected to {Endpoints} ({Layout} layout, application name '{ApplicationName}').")]
        public static partial void Connected(ILogger logger, string endpoints, RedisKeyLayout layout, string applicationName);

        [LoggerMessage(EventId = 216, Level = LogLevel.Warning,
            Message = "Redis session store could not connect to {Endpoints} ({Layout} layout, application name '{ApplicationName}'); " +
                      "session requests fail with 503 until it can, and the client keeps reconnecting on its own. " +
                      "Check that Redis is running and listening there, and that LegacySession:Redis:Configuration (the legacy provider's connectionString) names it, with the password and ssl setting it needs.")]
        public static partial void NotConnected(ILogger logger, string endpoints, RedisKeyLayout layout, string applicationName);
    }

    /// <summary>The first 4 characters of a session ID: enough to correlate log lines, too little to hijack a session.</summary>
    private static string Shorten(string sessionId) => sessionId.Length <= 4 ? sessionId : string.Concat(sessionId.AsSpan(0, 4), "…");
}
