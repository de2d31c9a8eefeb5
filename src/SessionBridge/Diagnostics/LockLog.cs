using Microsoft.Extensions.Logging;

namespace SessionBridge.Diagnostics;

/// <summary>Locking events: 1xx.</summary>
internal static partial class LockLog
{
    [LoggerMessage(EventId = 101, EventName = "LockWaiting", Level = LogLevel.Debug,
        Message = "Session {SessionId} is locked (held for {LockAge}); waiting.")]
    public static partial void Waiting(ILogger logger, string sessionId, TimeSpan lockAge);

    [LoggerMessage(EventId = 102, EventName = "LockStolen", Level = LogLevel.Warning,
        Message = "The lock of session {SessionId} was held for {LockAge}, at least ExecutionTimeout ({ExecutionTimeout}); taking it over.")]
    public static partial void Stolen(ILogger logger, string sessionId, TimeSpan lockAge, TimeSpan executionTimeout);

    [LoggerMessage(EventId = 103, EventName = "LockQueueFull", Level = LogLevel.Warning,
        Message = "{Limit} requests already wait for session {SessionId}; refusing one more (RequestQueueLimit).")]
    public static partial void QueueFull(ILogger logger, string sessionId, int limit);

    [LoggerMessage(EventId = 104, EventName = "LockWaitCancelled", Level = LogLevel.Debug,
        Message = "The client went away while waiting for session {SessionId}.")]
    public static partial void WaitCancelled(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 105, EventName = "LockLost", Level = LogLevel.Warning,
        Message = "The lock of session {SessionId} was taken over before the request ended (it ran longer than ExecutionTimeout); its changes were not saved.")]
    public static partial void LockLost(ILogger logger, string sessionId);
}
