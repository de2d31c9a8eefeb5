using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.StateServer.EndToEnd.Tests.Middleware;

/// <summary>One state server process with the in-memory storage for the middleware tests.</summary>
public sealed class MemoryStateServerFixture : IAsyncLifetime
{
    public StateServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await StateServerProcess.StartAsync();

    public ValueTask DisposeAsync()
    {
        Server?.Dispose();
        return ValueTask.CompletedTask;
    }
}
