using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// One state server: a pool of persistent connections, the <c>X-AspNet-Version</c> check on first contact, and a
/// resilience pipeline (circuit breaker around the network timeout). Every failure to talk to it surfaces as
/// <see cref="SessionStoreUnavailableException"/>.
/// </summary>
internal sealed partial class StateServerPartition : IDisposable
{
    private readonly ConcurrentBag<StateServerClientConnection> _idle = [];
    private readonly StateServerStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly StateServerLimits _limits;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private volatile bool _versionChecked;
    private volatile bool _disposed;

    public StateServerPartition(StateServerEndpoint endpoint, StateServerStoreOptions options, TimeProvider time, ILogger logger)
    {
        Endpoint = endpoint;
        _options = options;
        _time = time;
        _logger = logger;
        _limits = new StateServerLimits { MaxBodyLength = options.MaxResponseBodyBytes };
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = new PredicateBuilder()
                    .Handle<IOException>()
                    .Handle<SocketException>()
                    .Handle<InvalidDataException>()
                    .Handle<TimeoutRejectedException>(),
                OnOpened = args =>
                {
                    Log.CircuitOpened(_logger, Endpoint.HostHeader, args.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(_logger, Endpoint.HostHeader);
                    return default;
                },
            })
            .AddTimeout(options.NetworkTimeout)
            .Build();
    }

    public StateServerEndpoint Endpoint { get; }

    public async ValueTask<StateServerResponse> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        StateServerResponse response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (state, ct) => new ValueTask<StateServerResponse>(state.Item1.ExchangeWithRetryAsync(state.request, ct)),
                (this, request),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SessionStoreUnavailableException(
                $"The state server at {Endpoint.HostHeader} failed repeatedly; calls are paused for {_options.BreakDuration.TotalSeconds:0.#} s (circuit open).", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            Log.ExchangeFailed(_logger, Endpoint.HostHeader, "no answer within the network timeout", ex);
            throw new SessionStoreUnavailableException(
                $"The state server at {Endpoint.HostHeader} did not answer within the network timeout of {_options.NetworkTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
        {
            Log.ExchangeFailed(_logger, Endpoint.HostHeader, ex.Message, ex);
            throw new SessionStoreUnavailableException(
                $"The state server at {Endpoint.HostHeader} cannot be reached or answered badly: {MessageText.Sentence(ex.Message)} Check that it runs and that stateConnectionString points to it.", ex);
        }

        if (!_versionChecked)
        {
            CheckVersion(response);
            _versionChecked = true;
        }

        return response;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private void CheckVersion(StateServerResponse response)
    {
        var version = response.AspNetVersion;
        var dot = version?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        var majorText = dot > 0 ? version![..dot] : version;
        if (!int.TryParse(majorText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) || major < 2)
        {
            throw new SessionStoreUnavailableException(
                $"The state server at {Endpoint.HostHeader} answered without an X-AspNet-Version header of version 2 or later " +
                $"('{version ?? "none"}'); System.Web needs one too. Use the ASP.NET 2.0+ state service (or SessionBridge's) and keep its version header enabled.");
        }
    }

    private async Task<StateServerResponse> ExchangeWithRetryAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        // A pooled connection the server closed while idle fails before any answer byte: try once more on a fresh one.
        for (var attempt = 0; ; attempt++)
        {
            var connection = await RentAsync(fresh: attempt > 0, cancellationToken).ConfigureAwait(false);
            try
            {
                var response = await connection.ExchangeAsync(request, _limits, cancellationToken).ConfigureAwait(false);
                Return(connection);
                return response;
            }
            catch (Exception ex) when (ex is IOException or SocketException && attempt == 0 && connection.Reused && connection.NothingReceived)
            {
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    private async ValueTask<StateServerClientConnection> RentAsync(bool fresh, CancellationToken cancellationToken)
    {
        while (!fresh && _idle.TryTake(out var pooled))
        {
            if (_time.GetElapsedTime(pooled.LastUsedTimestamp) < _options.IdleConnectionTimeout)
            {
                pooled.Reused = true;
                return pooled;
            }

            pooled.Dispose();
        }

        return await StateServerClientConnection.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
    }

    private void Return(StateServerClientConnection connection)
    {
        if (_disposed)
        {
            connection.Dispose();
            return;
        }

        connection.LastUsedTimestamp = _time.GetTimestamp();
        _idle.Add(connection);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 221, Level = LogLevel.Warning,
            Message = "Exchange with the state server {Server} failed: {Reason}")]
        public static partial void ExchangeFailed(ILogger logger, string server, string reason, Exception exception);

        [LoggerMessage(EventId = 222, Level = LogLevel.Warning,
            Message = "The state server {Server} failed repeatedly; calls to it are paused for {BreakSeconds} s and fail at once (circuit open).")]
        public static partial void CircuitOpened(ILogger logger, string server, double breakSeconds);

        [LoggerMessage(EventId = 223, Level = LogLevel.Information,
            Message = "The state server {Server} answers again (circuit closed).")]
        public static partial void CircuitClosed(ILogger logger, string server);
    }
}
