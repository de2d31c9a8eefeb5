using Microsoft.Extensions.Logging.Abstractions;
using SessionBridge.Legacy.Format;
using SessionBridge.StateServer.Redis;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>Our state server on a free loopback port inside the test process.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly IStateServerBackend? _backend;
    private readonly RedisMonoStateServerBackend? _monoBackend;

    private InProcessServer(StateServerEngine engine, StateServerListener listener, IStateServerBackend? backend = null, RedisMonoStateServerBackend? monoBackend = null)
    {
        Engine = engine;
        Listener = listener;
        _backend = backend;
        _monoBackend = monoBackend;
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

    /// <summary>The server with both protocols on Redis backing (as <c>--store redis</c>); <see cref="Engine"/> is unused.</summary>
    public static InProcessServer StartOnRedis(TimeProvider time, string redis, Action<StateServerOptions>? configure = null, bool compressionEnabled = false)
    {
        var options = new StateServerOptions { Port = 0, Store = "redis", Redis = redis, CompressionEnabled = compressionEnabled };
        configure?.Invoke(options);
        var connection = new StateServerRedis(redis, TimeSpan.FromSeconds(5));
        var backend = new RedisStateServerBackend(connection, options.RedisApplicationName, options.RedisLockTimeout, new LegacySessionFormat(compressionEnabled: compressionEnabled), time, ownsRedis: true);
        var mono = new RedisMonoStateServerBackend(connection, options.MonoKeyPrefix, time);
        var listener = new StateServerListener(options, backend, time, NullLogger.Instance, monoBackend: mono);
        listener.Start();
        return new InProcessServer(new StateServerEngine(time), listener, backend, mono);
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        if (_monoBackend is not null)
        {
            await _monoBackend.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        Engine.Dispose();
    }
}
