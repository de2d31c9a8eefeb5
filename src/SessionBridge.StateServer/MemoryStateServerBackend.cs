using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>The in-memory storage of aspnet_state: Microsoft's semantics in <see cref="StateServerEngine"/>; a restart loses every item.</summary>
internal sealed class MemoryStateServerBackend(StateServerEngine engine, bool ownsEngine = false) : IStateServerBackend
{
    public int? Count => engine.Count;

    public ValueTask<StateServerResponse> ProcessAsync(StateServerRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(engine.Process(request));

    public ValueTask DisposeAsync()
    {
        if (ownsEngine)
        {
            engine.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
