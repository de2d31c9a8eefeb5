using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// The session store of a Mono application in <c>StateServer</c> mode: a .NET Remoting client of Mono's
/// <c>RemoteStateServer</c> (asp-state4.exe, or SessionBridge's state server), sending the calls Mono's System.Web
/// sends, byte for byte, with the session in Mono's format.
/// </summary>
/// <remarks>
/// <para>
/// Persistent pooled connections, one call at a time each; every call bounded by
/// <see cref="MonoStateServerStoreOptions.NetworkTimeout"/> and guarded by a circuit breaker. A server that cannot be
/// reached, times out, closes the connection or answers garbage gives <see cref="SessionStoreUnavailableException"/>.
/// </para>
/// <para>
/// Mono's server silently ignores a write or release with a stale lock id, removes whatever the lock, and overwrites
/// an existing item on <c>CreateUninitializedItem</c>. So that this store keeps the store contract (never a write
/// reported as saved that was not, never an existing session replaced by an empty one), a write, remove or create
/// first reads the item's lock state (one more call); the lock can change in between only when another holder steals
/// it after <c>ExecutionTimeout</c>, a window of one round trip.
/// </para>
/// <para>Session-scoped static objects (Mono's <c>StaticObjectsData</c>) are not carried: a write sends none.</para>
/// <para>
/// The session's bytes (<c>CollectionData</c>) are converted by the <see cref="LegacySessionFormat"/> the store receives,
/// in Mono's dialect (<see cref="LegacySessionFormat.DeserializeStoreItems"/>): its type map, limits and compression
/// apply, so mapped types read and write as in every other store.
/// </para>
/// </remarks>
public sealed partial class MonoStateServerSessionStore : ILegacySessionStore, IDisposable
{
    private readonly ConcurrentBag<MonoStateServerConnection> _idle = [];
    private readonly MonoStateServerStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateServerEndpoint _endpoint;
    private readonly string _requestUri;
    private readonly RemotingLimits _limits;
    private readonly ResiliencePipeline _pipeline;
    private readonly LegacySessionFormat _format;
    private volatile bool _disposed;

    /// <summary>Creates the store. Throws <see cref="ArgumentException"/> when a setting is invalid (the message says which).</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for idle connections and the breaker; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where to log failed calls (event 224) and the circuit opening (225) and closing (226), or <see langword="null"/>.</param>
    /// <param name="format">
    /// How sessions are encoded (type map, limits, compression), used in Mono's dialect whatever its own;
    /// <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>. <see cref="MonoStateServerStoreOptions.CompressionEnabled"/>
    /// turns compression on even when the format has it off.
    /// </param>
    public MonoStateServerSessionStore(MonoStateServerStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, LegacySessionFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (StateServerStoreOptionsValidation.Validate(options) is [_, ..] failures)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _options = options;
        var mono = (format ?? LegacySessionFormat.Default).WithDialect(LegacySessionDialect.Mono);
        _format = options.CompressionEnabled && !mono.CompressionEnabled
            ? new LegacySessionFormat(mono.Values, compressionEnabled: true, mono.MaxUncompressedLength, LegacySessionDialect.Mono)
            : mono;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _endpoint = StateServerEndpoint.Parse(options.ConnectionString);

        // Mono's client: tcp://host:port/StateServer, the well-known object of asp-state4.
        _requestUri = "tcp://" + _endpoint.HostHeader + "/StateServer";
        _limits = new RemotingLimits { MaxMessageBytes = options.MaxMessageBytes };
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = new PredicateBuilder()
                    .Handle<IOException>()
                    .Handle<SocketException>()
                    .Handle<RemotingProtocolException>()
                    .Handle<TimeoutRejectedException>(),
                OnOpened = args =>
                {
                    Log.CircuitOpened(_logger, _endpoint.HostHeader, args.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(_logger, _endpoint.HostHeader);
                    return default;
                },
            })
            .AddTimeout(options.NetworkTimeout)
            .Build();
    }

    /// <inheritdoc />
    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        var reply = await GetAsync(sessionId, exclusive, cancellationToken).ConfigureAwait(false);
        if (reply.Locked)
        {
            return SessionStoreResult.Locked(FormatLockId(reply.LockId), reply.LockAge < TimeSpan.Zero ? TimeSpan.Zero : reply.LockAge);
        }

        if (reply.Item is not { } item)
        {
            return SessionStoreResult.NotFound;
        }

        var data = FromCollectionData(item.CollectionData, item.Timeout);
        return SessionStoreResult.Found(data, exclusive ? FormatLockId(reply.LockId) : null, reply.Actions);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var collectionData = ToCollectionData(data);
        var id = int.MinValue;
        if (!newItem)
        {
            id = ParseLockId(lockId ?? throw new ArgumentNullException(nameof(lockId), "Writing an existing item needs the lock id of the caller's lock."));
            var current = await GetAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
            if (!current.Locked || current.LockId != id)
            {
                return false;
            }
        }

        await CallAsync(
            new MonoStateServerCall
            {
                Method = MonoStateServerMethod.SetAndReleaseItemExclusive,
                SessionId = sessionId,
                CollectionData = collectionData,
                LockId = id,
                Timeout = data.Timeout,
                NewItem = newItem,
            },
            cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken) =>
        await CallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.ReleaseItemExclusive, SessionId = sessionId, LockId = ParseLockId(lockId) }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        var id = ParseLockId(lockId);
        var current = await GetAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
        if (current.Locked && current.LockId == id)
        {
            // As Mono's client: Remove, then release (a no-op once removed).
            await CallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.Remove, SessionId = sessionId, LockId = id }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken) =>
        await CallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.ResetItemTimeout, SessionId = sessionId }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        var current = await GetAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
        if (current.Item is null && !current.Locked)
        {
            await CallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.CreateUninitializedItem, SessionId = sessionId, Timeout = timeoutMinutes }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private static string FormatLockId(int lockId) => lockId.ToString(CultureInfo.InvariantCulture);

    private static int ParseLockId(string lockId) =>
        int.TryParse(lockId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ArgumentException($"'{lockId}' is not a lock id of the Mono state server store (a 32-bit number).", nameof(lockId));

    // The one place where the session's bytes are converted: the format object, in Mono's dialect.
    private SessionStateData FromCollectionData(byte[]? collectionData, int timeout) =>
        collectionData is null ? _format.CreateEmpty(timeout) : _format.DeserializeStoreItems(collectionData, timeout);

    private byte[] ToCollectionData(SessionStateData data) => _format.SerializeStoreItems(data);

    private async ValueTask<MonoStateServerReply> GetAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        var message = await CallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = sessionId, Exclusive = exclusive }, cancellationToken).ConfigureAwait(false);
        return MonoStateServerMessages.ReadGetItemReply(message);
    }

    private async ValueTask<RemotingMessage> CallAsync(MonoStateServerCall call, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(call.SessionId);
        var writer = new ArrayBufferWriter<byte>();
        RemotingFrameWriter.WriteRequest(writer, _requestUri, MonoStateServerMessages.WriteCall(call));
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var frame = await state.Store.ExchangeWithRetryAsync(state.Request, ct).ConfigureAwait(false);
                    var message = NrbfMessageReader.Read(frame.Body, state.Store._limits);
                    if (state.Method != MonoStateServerMethod.GetItem)
                    {
                        MonoStateServerMessages.ReadVoidReply(message, state.Method);
                    }
                    else
                    {
                        _ = MonoStateServerMessages.ReadGetItemReply(message);
                    }

                    return message;
                },
                (Store: this, Request: writer.WrittenMemory, call.Method),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SessionStoreUnavailableException(
                $"The Mono state server at {_endpoint.HostHeader} failed repeatedly; calls are paused for {_options.BreakDuration.TotalSeconds:0.#} s (circuit open).", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            Log.CallFailed(_logger, _endpoint.HostHeader, "no answer within the network timeout", ex);
            throw new SessionStoreUnavailableException(
                $"The Mono state server at {_endpoint.HostHeader} did not answer within the network timeout of {_options.NetworkTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or RemotingProtocolException)
        {
            Log.CallFailed(_logger, _endpoint.HostHeader, ex.Message, ex);
            throw new SessionStoreUnavailableException(
                $"The Mono state server at {_endpoint.HostHeader} cannot be reached or answered badly: {MessageText.Sentence(ex.Message)} Check that it runs and that the connection string points to it.", ex);
        }
    }

    private async Task<RemotingFrame> ExchangeWithRetryAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        // A pooled connection the server closed while idle fails before any reply byte: try once more on a fresh one.
        for (var attempt = 0; ; attempt++)
        {
            var connection = await RentAsync(fresh: attempt > 0, cancellationToken).ConfigureAwait(false);
            try
            {
                var frame = await connection.ExchangeAsync(request, _limits, cancellationToken).ConfigureAwait(false);
                Return(connection);
                return frame;
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

    private async ValueTask<MonoStateServerConnection> RentAsync(bool fresh, CancellationToken cancellationToken)
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

        return await MonoStateServerConnection.ConnectAsync(_endpoint, cancellationToken).ConfigureAwait(false);
    }

    private void Return(MonoStateServerConnection connection)
    {
        if (_disposed)
        {
            connection.Dispose();
            return;
        }

        connection.LastUsedTimestamp = _time.GetTimestamp();
        _idle.Add(connection);
    }
}
