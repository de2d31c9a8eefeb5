using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Remoting;

/// <summary>
/// Answers Mono's .NET Remoting state server calls (<c>RemoteStateServer</c>'s six methods); the listener serves it on
/// the [MS-ASP] port, telling the protocols apart by their first bytes.
/// </summary>
internal interface IMonoStateServerBackend : IAsyncDisposable
{
    /// <summary>The reply to <c>GetItem</c>; <see langword="null"/> for the void methods.</summary>
    ValueTask<MonoStateServerReply?> ProcessAsync(MonoStateServerCall call, CancellationToken cancellationToken);
}
