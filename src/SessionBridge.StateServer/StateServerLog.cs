using System.Net;
using Microsoft.Extensions.Logging;

namespace SessionBridge.StateServer;

/// <summary>The state server's log events (5xx). Never logs item contents or full keys.</summary>
internal static partial class StateServerLog
{
    [LoggerMessage(500, LogLevel.Information, "State server listening on {EndPoint} (remote access: {RemoteAccess})")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, string remoteAccess);

    [LoggerMessage(501, LogLevel.Warning, "Refused a connection from {Remote}: not loopback and not in the allow-list (--allow-remote)")]
    public static partial void RemoteRefused(ILogger logger, IPAddress? remote);

    [LoggerMessage(502, LogLevel.Warning, "Refused a connection: {Limit} connections are open (StateServer:MaxConnections)")]
    public static partial void ConnectionLimit(ILogger logger, int limit);

    [LoggerMessage(503, LogLevel.Debug, "Bad request from {Remote}, closing the connection: {Reason}")]
    public static partial void BadRequest(ILogger logger, IPAddress? remote, string reason);

    [LoggerMessage(504, LogLevel.Debug, "Closed a connection from {Remote}: the request did not arrive within {Timeout}")]
    public static partial void RequestTimedOut(ILogger logger, IPAddress? remote, TimeSpan timeout);

    [LoggerMessage(505, LogLevel.Information, "State server stopping; {Count} connection(s) open")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(506, LogLevel.Warning, "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(507, LogLevel.Debug, "A connection from {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, IPAddress? remote, Exception exception);

    [LoggerMessage(508, LogLevel.Information, "State server stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(509, LogLevel.Warning, "The storage failed answering a request from {Remote}; closing the connection without an answer")]
    public static partial void StorageFailed(ILogger logger, IPAddress? remote, Exception exception);

    [LoggerMessage(511, LogLevel.Debug, "Bad .NET Remoting message from {Remote}, closing the connection: {Reason}")]
    public static partial void BadRemotingMessage(ILogger logger, IPAddress? remote, string reason);

    [LoggerMessage(510, LogLevel.Information, "State server storage: {Store}")]
    public static partial void Storage(ILogger logger, string store);
}
