using Microsoft.Extensions.Logging;

namespace SessionBridge.SqlServer;

internal sealed partial class SqlServerSessionStore
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 231, Level = LogLevel.Warning,
            Message = "SQL Server session store: {Operation} ({Procedure}) failed with fatal error {Number} (severity {Severity}); retrying in {Delay} (LegacySession:SqlServer:ConnectionRetryInterval).")]
        public static partial void Retrying(ILogger logger, string operation, string procedure, int number, byte severity, TimeSpan delay);

        [LoggerMessage(EventId = 232, Level = LogLevel.Warning,
            Message = "Session {SessionId} was created by another request first (duplicate key); this request's new session was not stored.")]
        public static partial void InsertLost(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 233, Level = LogLevel.Warning,
            Message = "Session {SessionId} was not written: its lock cookie no longer holds (the lock was taken over after ExecutionTimeout, or the session was removed).")]
        public static partial void WriteNotApplied(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 234, Level = LogLevel.Information,
            Message = "SQL Server session store started ({Compatibility}, application suffix {Suffix}).")]
        public static partial void Started(ILogger logger, SqlServerCompatibility compatibility, string suffix);

        [LoggerMessage(EventId = 235, Level = LogLevel.Error,
            Message = "Session {SessionId} in the SQL Server session database cannot be read ({Reason}); it is left untouched and the request fails.")]
        public static partial void UnreadableSession(ILogger logger, string sessionId, string reason);
    }
}
