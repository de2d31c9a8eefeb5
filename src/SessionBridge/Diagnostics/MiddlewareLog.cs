using Microsoft.Extensions.Logging;

namespace SessionBridge.Diagnostics;

/// <summary>Middleware events: 4xx.</summary>
internal static partial class MiddlewareLog
{
    [LoggerMessage(EventId = 401, EventName = "NewSession", Level = LogLevel.Debug,
        Message = "New session {SessionId}.")]
    public static partial void NewSession(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 402, EventName = "SessionAbandoned", Level = LogLevel.Debug,
        Message = "Session {SessionId} was abandoned.")]
    public static partial void Abandoned(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 403, EventName = "EndpointFailed", Level = LogLevel.Debug,
        Message = "The endpoint failed; session {SessionId} was released without saving.")]
    public static partial void EndpointFailed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 404, EventName = "CookieAfterResponseStarted", Level = LogLevel.Warning,
        Message = "Session {SessionId} was stored after the response had started, so its cookie could not be sent; turn LegacySession:BufferResponse on or change the session before writing the response.")]
    public static partial void CookieTooLate(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 405, EventName = "SaveFailedAfterResponseStarted", Level = LogLevel.Error,
        Message = "Session {SessionId} could not be saved and the response had already started; aborting the response so it is not taken for a success.")]
    public static partial void SaveFailedAfterStart(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 406, EventName = "ResetTimeoutFailed", Level = LogLevel.Warning,
        Message = "Sliding the expiry of session {SessionId} for an endpoint without session failed; the request goes on.")]
    public static partial void ResetTimeoutFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 407, EventName = "SessionReleaseFailed", Level = LogLevel.Error,
        Message = "Releasing session {SessionId} after a failed endpoint failed; the store frees the lock after its time to live.")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 408, EventName = "ValueNotWritable", Level = LogLevel.Error,
        Message = "Session {SessionId} was not saved because the value under key '{Key}' cannot be written: {Reason} Nothing was saved and the lock was released.")]
    public static partial void ValueNotWritable(ILogger logger, string sessionId, string key, string reason);
}
