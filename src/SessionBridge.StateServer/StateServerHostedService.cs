using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Format;
using SessionBridge.StateServer.Redis;
using SessionBridge.StateServer.Remoting;

namespace SessionBridge.StateServer;

/// <summary>Runs the listener inside the generic host (graceful shutdown on SIGTERM/Ctrl+C).</summary>
internal sealed class StateServerHostedService : IHostedService, IAsyncDisposable
{
    private readonly IStateServerBackend _backend;
    private readonly IMonoStateServerBackend _monoBackend;
    private readonly StateServerMetrics _metrics;
    private readonly StateServerListener _listener;
    private readonly ILogger _logger;
    private readonly string _storage;

    public StateServerHostedService(IOptions<StateServerOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var settings = options.Value;
        _logger = loggers.CreateLogger<StateServerHostedService>();
        if (settings.UsesRedis)
        {
            var redis = new StateServerRedis(settings.Redis!, settings.RedisOperationTimeout);
            var format = new LegacySessionFormat(compressionEnabled: settings.CompressionEnabled);
            _backend = new RedisStateServerBackend(redis, settings.RedisApplicationName, settings.RedisLockTimeout, format, time, ownsRedis: true);
            _monoBackend = new RedisMonoStateServerBackend(redis, settings.MonoKeyPrefix, time);
            _storage = "redis (items survive restarts)";
        }
        else
        {
            _backend = new MemoryStateServerBackend(new StateServerEngine(time), ownsEngine: true);
            _monoBackend = new MemoryMonoStateServerBackend(new MonoStateServerEngine(time), settings.MonoKeyPrefix, ownsEngine: true);
            _storage = "memory (a restart loses every item)";
        }

        var backend = _backend;
        _metrics = new StateServerMetrics(() => backend.Count ?? 0);
        _listener = new StateServerListener(settings, _backend, time, _logger, _metrics, _monoBackend);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StateServerLog.Storage(_logger, _storage);
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _monoBackend.DisposeAsync().ConfigureAwait(false);
        await _backend.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }
}
