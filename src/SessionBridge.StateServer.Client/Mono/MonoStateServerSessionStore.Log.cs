using Microsoft.Extensions.Logging;

namespace SessionBridge.StateServer.Client;

/// <content>Log events 224-226 (the state server store uses 221-223).</content>
public sealed partial class MonoStateServerSessionStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 224, Level = LogLevel.Warning, Message = "Call to the Mono state server {Server} failed: {Reason}")]
        public static partial void CallFailed(ILogger logger, string server, string reason, Exception exception);

        [LoggerMessage(EventId = 225, Level = LogLevel.Warning,
            Message = "The Mono state server {Server} failed repeatedly; calls to it are paused for {BreakSeconds} s and fail at once (circuit open).")]
        public static partial void CircuitOpened(ILogger logger, string server, double breakSeconds);

        [LoggerMessage(EventId = 226, Level = LogLevel.Information, Message = "The Mono state server {Server} answers again (circuit closed).")]
        public static partial void CircuitClosed(ILogger logger, string server);
    }
}
