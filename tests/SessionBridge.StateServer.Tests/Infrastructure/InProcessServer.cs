using Microsoft.Extensions.Logging.Abstractions;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>Our state server on a free loopback port inside the test process.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(StateServerEngine engine, StateServerListener listener)
    {
        Engine = engine;
        Listener = listener;
    }

    public StateServerEngine Engine { get; }

    public StateServerListener Listener { get; }

    public int Port => Listener.Port;

    public string HostHeader => "127.0.0.1:" + Port;

    public static InProcessServer Start(TimeProvider time, Action<StateServerOptions>? configure = null)
    {
        var options = new StateServerOptions { Port = 0 };
        configure?.Invoke(options);
        var engine = new StateServerEngine(time);
        var listener = new StateServerListener(options, engine, time, NullLogger.Instance);
        listener.Start();
        return new InProcessServer(engine, listener);
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        Engine.Dispose();
    }
}
