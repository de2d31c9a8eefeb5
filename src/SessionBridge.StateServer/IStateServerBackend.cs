using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// Answers parsed [MS-ASP] requests: the in-memory engine (<see cref="MemoryStateServerBackend"/>) or Redis
/// (<see cref="Redis.RedisStateServerBackend"/>).
/// </summary>
/// <remarks>
/// A backend that cannot reach its storage throws <see cref="Legacy.Stores.SessionStoreUnavailableException"/>; the
/// listener then closes the connection without an answer, so the client reports the state server unavailable instead
/// of mistaking an error status for a missing session.
/// </remarks>
internal interface IStateServerBackend : IAsyncDisposable
{
    /// <summary>Items held in this process, or <see langword="null"/> when the storage is elsewhere.</summary>
    int? Count { get; }

    ValueTask<StateServerResponse> ProcessAsync(StateServerRequest request, CancellationToken cancellationToken);
}
