using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.StateServer;

namespace SessionBridge.StateServer;

/// <summary>Runs the listener inside the generic host (graceful shutdown on SIGTERM/Ctrl+C).</summary>
internal sealed class StateServerHostedService : IHostedService, IAsyncDisposable
{
    private readonly StateServerEngine _engine;
    private readonly StateServerMetrics _metrics;
    private readonly StateServerListener _listener;

    public StateServerHostedService(IOptions<StateServerOptions> options, TimeProvider time, ILogger<StateServerHostedService> logger)
    {
        _engine = new StateServerEngine(time);
        _metrics = new StateServerMetrics(() => _engine.Count);
        _listener = new StateServerListener(options.Value, _engine, time, logger, _metrics);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        _engine.Dispose();
        _metrics.Dispose();
    }
}
