using Microsoft.Extensions.Logging;

namespace SessionBridge.Diagnostics;

/// <summary>Store events: 2xx.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 201, EventName = "StoreFailed", Level = LogLevel.Error,
        Message = "The session store '{Store}' failed during '{Operation}' for session {SessionId}.")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string operation, string store, string sessionId);

    [LoggerMessage(EventId = 202, EventName = "StoreTimedOut", Level = LogLevel.Error,
        Message = "The session store '{Store}' did not complete '{Operation}' for session {SessionId} within {Timeout}.")]
    public static partial void StoreTimedOut(ILogger logger, string operation, string store, string sessionId, TimeSpan timeout);

    [LoggerMessage(EventId = 203, EventName = "SessionCorrupt", Level = LogLevel.Error,
        Message = "The stored session {SessionId} cannot be read during '{Operation}' on store '{Store}'; it is left unchanged.")]
    public static partial void SessionCorrupt(ILogger logger, Exception exception, string operation, string store, string sessionId);
}
