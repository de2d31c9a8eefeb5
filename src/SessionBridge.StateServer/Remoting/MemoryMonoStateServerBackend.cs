using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Remoting;

/// <summary>
/// asp-state4's storage: in memory, Mono's semantics (<see cref="MonoStateServerEngine"/>), items keyed by the bare
/// session id (every application shares one namespace, as on Mono's server) or by <c>prefix + id</c>.
/// </summary>
internal sealed class MemoryMonoStateServerBackend(MonoStateServerEngine engine, string? keyPrefix, bool ownsEngine = false) : IMonoStateServerBackend
{
    public int Count => engine.Count;

    public ValueTask<MonoStateServerReply?> ProcessAsync(MonoStateServerCall call, CancellationToken cancellationToken) =>
        ValueTask.FromResult(engine.Process(call, keyPrefix + call.SessionId));

    public ValueTask DisposeAsync()
    {
        if (ownsEngine)
        {
            engine.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
