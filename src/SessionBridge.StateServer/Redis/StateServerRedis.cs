using SessionBridge.Legacy.Stores;
using StackExchange.Redis;

namespace SessionBridge.StateServer.Redis;

/// <summary>
/// The state server's one Redis connection, shared by the [MS-ASP] and the Mono backends: connects on first use and
/// reconnects on its own, runs one script per request within the operation timeout, and reports any Redis failure as
/// <see cref="SessionStoreUnavailableException"/> (the listener then closes the client's connection unanswered).
/// </summary>
internal sealed class StateServerRedis : IAsyncDisposable
{
    private readonly string _configuration;
    private readonly TimeSpan _operationTimeout;
    private readonly Lock _connectLock = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private bool _disposed;

    /// <param name="configuration">A StackExchange.Redis configuration string.</param>
    /// <param name="operationTimeout">How long one script may take, connecting included.</param>
    public StateServerRedis(string configuration, TimeSpan operationTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        _ = ConfigurationOptions.Parse(configuration);
        _configuration = configuration;
        _operationTimeout = operationTimeout;
    }

    /// <summary>Runs <paramref name="script"/> atomically on Redis.</summary>
    /// <exception cref="SessionStoreUnavailableException">Redis cannot be reached, failed, or did not answer in time.</exception>
    public async ValueTask<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            var connecting = Connection();
            var connection = connecting.IsCompletedSuccessfully
                ? connecting.Result
                : await connecting.WaitAsync(_operationTimeout, cancellationToken).ConfigureAwait(false);
            return await connection.GetDatabase().ScriptEvaluateAsync(script, keys, args)
                .WaitAsync(_operationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            var reason = ex switch
            {
                TimeoutException => $"Redis did not answer within {_operationTimeout.TotalSeconds:0.###} s.",
                RedisConnectionException => "Redis cannot be reached: " + ex.Message,
                _ => "Redis failed: " + ex.Message,
            };
            throw new SessionStoreUnavailableException("The state server's Redis storage is unavailable. " + reason, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_connectLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is { IsCompletedSuccessfully: true })
        {
            await connecting.Result.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            connecting.Result.Dispose();
        }
        else
        {
            // Still connecting: close the connection once it is made.
            _ = connecting?.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private Task<ConnectionMultiplexer> Connection()
    {
        lock (_connectLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                var options = ConfigurationOptions.Parse(_configuration);
                options.AbortOnConnectFail = false;
                // A command issued while disconnected fails at once instead of waiting in the client's backlog.
                options.BacklogPolicy = BacklogPolicy.FailFast;
                // Replies complete on the thread pool rather than the library's own I/O threads: measured faster on a
                // two-core machine shared with the clients and Redis (bench/results/state-server.md).
                options.SocketManager = SocketManager.ThreadPool;
                _connecting = ConnectionMultiplexer.ConnectAsync(options);
            }

            return _connecting;
        }
    }
}
