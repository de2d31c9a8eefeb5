using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>
/// A session store on Redis in the exact key layout and lock protocol of Microsoft.Web.RedisSessionStateProvider
/// (5.x by default, 2.x–4.x by option), so an unchanged legacy ASP.NET application shares its sessions.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is one Lua script, i.e. one atomic round trip; every read, lock and release re-arms the TTLs of the
/// session's keys from the timeout stored with it, as the provider does. Locks are the provider's: the value is the
/// local time's tick count, the TTL is <see cref="RedisSessionStoreOptions.ExecutionTimeout"/>.
/// </para>
/// <para>
/// Releasing a lock publishes the session ID on a per-application channel from inside the releasing script, so requests
/// waiting in any process (<see cref="WaitForReleaseAsync"/>) wake at once; the legacy application keeps polling.
/// </para>
/// <para>
/// Each operation is bounded by <see cref="RedisSessionStoreOptions.OperationTimeout"/>; read-only reads are retried;
/// a circuit breaker fails fast during an outage. Any failure to reach Redis surfaces as
/// <see cref="SessionStoreUnavailableException"/>. A value that cannot be encoded is a
/// <see cref="LegacySessionFormatException"/> naming the item, raised before any command is sent, never wrapped.
/// </para>
/// <para>
/// Values of both layouts go through the one <see cref="LegacySessionFormat"/> (type map, limits, dialect): the v5 blob
/// in the format's dialect (Microsoft's or Mono's <c>SessionStateItemCollection</c>), the 2.x–4.x HASH field by field
/// (<see cref="RedisHashItemCodec"/>, the same NRBF values in any dialect).
/// </para>
/// </remarks>
internal sealed partial class RedisSessionStore : ILegacySessionStore, ISessionLockReleaseNotifier, IAsyncDisposable
{
    private readonly RedisSessionStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly LegacySessionFormat _format;
    private readonly ResiliencePipeline _readPipeline;
    private readonly ResiliencePipeline _writePipeline;
    private readonly LockReleaseWaiters _waiters;
    private readonly Lock _connectLock = new();
    private readonly RedisChannel _channel;
    private readonly RedisValue _channelName;
    private readonly RedisValue _lockTtlSeconds;
    private readonly RedisValue _defaultTimeoutSeconds;
    private readonly bool _v5;
    private readonly byte[] _uninitializedV5;
    private readonly byte[] _nullMarker;

    // The fields of each 2.x–4.x HASH handed out, as read, until its items come back to be written.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SessionStateItemCollection, RedisHashSnapshot> _snapshots = new();
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _ownedConnection;
    private long _lastLockValue;
    private int _subscribed;
    private int _otherLayoutWarned;
    private int _connectedReported;
    private bool _disposed;

    /// <summary>Creates the store; it connects on first use and reconnects on its own.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="logger">Where to log, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for lock values and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="format">How item values are encoded; <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">The options are invalid; the message says what to set.</exception>
    public RedisSessionStore(RedisSessionStoreOptions options, ILogger? logger = null, TimeProvider? timeProvider = null, LegacySessionFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _format = format ?? LegacySessionFormat.Default;
        if (RedisSessionStoreOptionsValidation.Validate(options) is [_, ..] failures)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }

        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _waiters = new LockReleaseWaiters(_timeProvider);
        _v5 = options.KeyLayout == RedisKeyLayout.V5;
        _uninitializedV5 = RedisUninitializedItem.CreateV5Blob(_format);
        _nullMarker = RedisNullMarker.Create(options.ProviderVersion);
        _channelName = RedisSessionStoreDefaults.ChannelPrefix + options.ApplicationName;
        _channel = new RedisChannel((string)_channelName!, RedisChannel.PatternMode.Literal);
        _lockTtlSeconds = (long)options.ExecutionTimeout.TotalSeconds;
        _defaultTimeoutSeconds = (long)options.SessionTimeout.TotalSeconds;

        var transient = new PredicateBuilder()
            .Handle<RedisConnectionException>()
            .Handle<RedisTimeoutException>()
            .Handle<TimeoutException>()
            .Handle<RedisServerException>(IsTransientServerError);
        var breaker = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = options.BreakDuration,
            })
            .Build();
        _writePipeline = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }
            .AddTimeout(options.OperationTimeout)
            .AddPipeline(breaker)
            .Build();
        var read = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }.AddTimeout(options.OperationTimeout);
        if (options.ReadRetries > 0)
        {
            read.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.ReadRetries,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        _readPipeline = read.AddPipeline(breaker).Build();
    }

    /// <inheritdoc/>
    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        var keys = Keys(sessionId);
        if (exclusive)
        {
            RedisValue candidate = LegacyLockValue.Create(_timeProvider, _options.LockTimeZone, ref _lastLockValue);
            var script = _v5 ? RedisScripts.AcquireAndReadV5 : RedisScripts.AcquireAndReadV2To4;
            var args = new[] { candidate, _lockTtlSeconds };
            var reply = (RedisResult[])(await ExecuteAsync(_writePipeline, "GetItemExclusive", sessionId, keys.ForReads, script, args, cancellationToken).ConfigureAwait(false))!;
            if ((long)reply[3] == 1)
            {
                var holder = (string?)reply[0] ?? string.Empty;
                return SessionStoreResult.Locked(holder, LegacyLockValue.Age(holder, _timeProvider, _options.LockTimeZone));
            }

            return await ReadFoundAsync(sessionId, keys, reply[1], (long)reply[2], (long)reply[4] == 1, (string)candidate!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var script = _v5 ? RedisScripts.ReadV5 : RedisScripts.ReadV2To4;
            var reply = (RedisResult[])(await ExecuteAsync(_readPipeline, "GetItem", sessionId, keys.ForReads, script, [_lockTtlSeconds], cancellationToken).ConfigureAwait(false))!;
            var holder = (string?)reply[0];
            if (holder is not null)
            {
                return SessionStoreResult.Locked(holder, LegacyLockValue.Age(holder, _timeProvider, _options.LockTimeZone));
            }

            return await ReadFoundAsync(sessionId, keys, reply[1], (long)reply[2], (long)reply[3] == 1, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="LegacySessionFormatException">An item cannot be written in the layout (the message names it); nothing is written.</exception>
    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var keys = Keys(sessionId);
        var timeoutSeconds = TimeoutSeconds(data.Timeout);

        // Everything is encoded before the first command, so a value that cannot be written fails with nothing written.
        RedisValue[] args;
        string script;
        if (newItem)
        {
            script = _v5 ? RedisScripts.InsertV5 : RedisScripts.InsertV2To4;
            args = _v5
                ? [timeoutSeconds, 0, _format.SerializeItems(data.Items)]
                : [timeoutSeconds, 0, .. RedisHashItemCodec.WriteAll(data.Items, Snapshot(data.Items), _nullMarker)];
            await ExecuteAsync(_writePipeline, "SetAndReleaseItemExclusive", sessionId, keys.DataTimeout, script, args, cancellationToken).ConfigureAwait(false);
            return true;
        }

        RedisValue lockValue = lockId ?? string.Empty;
        if (_v5)
        {
            script = RedisScripts.SetAndReleaseV5;
            args = [lockValue, timeoutSeconds, _channelName, sessionId, _format.SerializeItems(data.Items)];
        }
        else
        {
            script = RedisScripts.SetAndReleaseV2To4;
            if (Snapshot(data.Items) is { } snapshot)
            {
                var (removed, changed) = RedisHashItemCodec.WriteChanges(data.Items, snapshot, _nullMarker);
                args = [lockValue, timeoutSeconds, _channelName, sessionId, removed.Count, .. removed.Select(f => (RedisValue)f), .. changed];
            }
            else
            {
                args = [lockValue, timeoutSeconds, _channelName, sessionId, -1, .. RedisHashItemCodec.WriteAll(data.Items, null, _nullMarker)];
            }
        }

        var written = await ExecuteAsync(_writePipeline, "SetAndReleaseItemExclusive", sessionId, keys.ForReleases, script, args, cancellationToken).ConfigureAwait(false);
        return (long)written! == 1;
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lockId);
        var keys = Keys(sessionId);
        var script = _v5 ? RedisScripts.ReleaseV5 : RedisScripts.ReleaseV2To4;
        await ExecuteAsync(_writePipeline, "ReleaseItemExclusive", sessionId, keys.ForReleases, script,
            [lockId, _defaultTimeoutSeconds, _channelName, sessionId], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lockId);
        var keys = Keys(sessionId);
        await ExecuteAsync(_writePipeline, "RemoveItem", sessionId, keys.ForReleases, RedisScripts.Remove,
            [lockId, _channelName, sessionId], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken)
    {
        var keys = Keys(sessionId);
        var script = _v5 ? RedisScripts.ResetTimeoutV5 : RedisScripts.ResetTimeoutV2To4;
        await ExecuteAsync(_writePipeline, "ResetItemTimeout", sessionId, keys.DataTimeout, script, [_defaultTimeoutSeconds], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        var keys = Keys(sessionId);
        var timeoutSeconds = TimeoutSeconds(timeoutMinutes);
        RedisValue[] args = _v5
            ? [timeoutSeconds, 1, _uninitializedV5]
            : [timeoutSeconds, 1, RedisUninitializedItem.ActionsKey, RedisUninitializedItem.ActionsPayload.ToArray()];
        await ExecuteAsync(_writePipeline, "CreateUninitializedItem", sessionId, keys.DataTimeout, _v5 ? RedisScripts.InsertV5 : RedisScripts.InsertV2To4,
            args, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (maxWait <= TimeSpan.Zero)
        {
            return;
        }

        if (Volatile.Read(ref _subscribed) == 0)
        {
            _ = EnsureSubscribedAsync();
        }

        await _waiters.WaitAsync(sessionId, maxWait, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        IConnectionMultiplexer? owned;
        lock (_connectLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            owned = _ownedConnection;
        }

        _waiters.WakeAll();
        if (owned is not null)
        {
            await owned.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            owned.Dispose();
        }
    }

    private async ValueTask<SessionStoreResult> ReadFoundAsync(string sessionId, RedisSessionKeys keys, RedisResult data, long timeoutSeconds, bool otherLayoutExists, string? lockId, CancellationToken cancellationToken)
    {
        if (data.IsNull)
        {
            if (otherLayoutExists)
            {
                ReportOtherLayout(sessionId, keys);
            }

            return SessionStoreResult.NotFound;
        }

        SessionStateItemCollection items;
        try
        {
            if (_v5)
            {
                items = _format.DeserializeItems((byte[])data!);
            }
            else
            {
                (items, var snapshot) = RedisHashItemCodec.Read((RedisResult[])data!, _format.Values);
                _snapshots.AddOrUpdate(items, snapshot);
            }
        }
        catch (LegacySessionFormatException ex)
        {
            Log.UnreadableSession(_logger, Shorten(sessionId), ex);
            if (lockId is not null)
            {
                await ReleaseItemExclusiveAsync(sessionId, lockId, cancellationToken).ConfigureAwait(false);
            }

            throw;
        }

        var actions = SessionStateActions.None;
        if (items.ContainsKey(RedisUninitializedItem.ActionsKey))
        {
            actions = SessionStateActions.InitializeItem;
            items.Remove(RedisUninitializedItem.ActionsKey);
        }

        items.Dirty = false;
        var minutes = timeoutSeconds > 0
            ? (int)Math.Min(int.MaxValue, (timeoutSeconds + 59) / 60)
            : (int)_options.SessionTimeout.TotalMinutes;
        return SessionStoreResult.Found(new SessionStateData(Math.Max(1, minutes), items), lockId, actions);
    }

    private void ReportOtherLayout(string sessionId, RedisSessionKeys keys)
    {
        var otherKey = ((string)keys.OtherLayoutData!).Replace(sessionId, Shorten(sessionId), StringComparison.Ordinal);
        if (Interlocked.Exchange(ref _otherLayoutWarned, 1) == 0 || _logger.IsEnabled(LogLevel.Debug))
        {
            Log.OtherLayoutFound(_logger, Shorten(sessionId), _options.KeyLayout, otherKey);
        }
    }

    private RedisHashSnapshot? Snapshot(SessionStateItemCollection items) =>
        _snapshots.TryGetValue(items, out var snapshot) ? snapshot : null;

    private RedisSessionKeys Keys(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RedisSessionKeys.Create(_options.ApplicationName, sessionId, _options.KeyLayout);
    }

    private static long TimeoutSeconds(int timeoutMinutes)
    {
        // System.Web caps <sessionState timeout> at one year.
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeoutMinutes, 525_600);
        return timeoutMinutes * 60L;
    }

    private async ValueTask<RedisResult> ExecuteAsync(ResiliencePipeline pipeline, string operation, string sessionId, RedisKey[] keys, string script, RedisValue[] args, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var result = await pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    var connection = await state.Store.GetConnectionAsync(token).ConfigureAwait(false);
                    return await connection.GetDatabase().ScriptEvaluateAsync(state.Script, state.Keys, state.Args).WaitAsync(token).ConfigureAwait(false);
                },
                (Store: this, Script: script, Keys: keys, Args: args),
                cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutRejectedException or BrokenCircuitException or TimeoutException)
        {
            var reason = ex switch
            {
                TimeoutRejectedException => $"Redis did not answer within the operation timeout ({_options.OperationTimeout.TotalSeconds:0.###} s).",
                BrokenCircuitException => "Redis failed repeatedly; calls are suspended for a moment (circuit open).",
                RedisConnectionException => "Redis cannot be reached: " + MessageText.Sentence(ex.Message),
                _ => "Redis failed: " + MessageText.Sentence(ex.Message),
            };
            Log.OperationFailed(_logger, operation, Shorten(sessionId), reason, ex);
            throw new SessionStoreUnavailableException(
                $"The Redis session store is unavailable: {reason} Check that Redis is running and that the configuration points to it.", ex);
        }
        finally
        {
            var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
            RedisSessionStoreMetrics.Operations.Add(1, tags);
            RedisSessionStoreMetrics.Duration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private Task<IConnectionMultiplexer> GetConnectionAsync(CancellationToken cancellationToken)
    {
        Task<IConnectionMultiplexer> connecting;
        lock (_connectLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }

            connecting = _connecting;
        }

        return connecting.IsCompletedSuccessfully ? connecting : connecting.WaitAsync(cancellationToken);
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        IConnectionMultiplexer connection;
        if (_options.ConnectionMultiplexerFactory is { } factory)
        {
            connection = await factory().ConfigureAwait(false)
                ?? throw new InvalidOperationException("RedisSessionStoreOptions.ConnectionMultiplexerFactory returned null.");
        }
        else
        {
            var configuration = ConfigurationOptions.Parse(_options.Configuration!);
            configuration.AbortOnConnectFail = false;
            // Since 2.5 a command issued while disconnected waits in the client's backlog; fail at once instead, so the
            // operation timeout and the circuit breaker see the outage (a connection the application supplies keeps its policy).
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            var created = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            lock (_connectLock)
            {
                if (_disposed)
                {
                    created.Dispose();
                    throw new ObjectDisposedException(nameof(RedisSessionStore));
                }

                _ownedConnection = created;
            }

            connection = created;
        }

        ReportConnection(connection);
        _ = SubscribeAsync(connection);
        return connection;
    }

    /// <summary>
    /// Logs "connected" once a connection is established, never before: at once when the first attempt succeeded,
    /// otherwise a warning naming the endpoint and the fix, then "connected" when the client's own reconnect succeeds.
    /// </summary>
    private void ReportConnection(IConnectionMultiplexer connection)
    {
        var endpoints = Endpoints(connection);
        if (connection.IsConnected)
        {
            ReportConnected(endpoints);
            return;
        }

        connection.ConnectionRestored += (_, _) => ReportConnected(endpoints);
        if (connection.IsConnected)
        {
            // Connected between the first check and the subscription.
            ReportConnected(endpoints);
            return;
        }

        Log.NotConnected(_logger, endpoints, _options.KeyLayout, _options.ApplicationName);
    }

    private void ReportConnected(string endpoints)
    {
        if (Interlocked.Exchange(ref _connectedReported, 1) == 0)
        {
            Log.Connected(_logger, endpoints, _options.KeyLayout, _options.ApplicationName);
        }
    }

    /// <summary>The configured endpoints (host:port, never a password), for log lines.</summary>
    private static string Endpoints(IConnectionMultiplexer connection)
    {
        try
        {
            var endpoints = connection.GetEndPoints(configuredOnly: true);
            return endpoints.Length == 0 ? "(no endpoint)" : string.Join(", ", endpoints.Select(e => EndPointCollection.ToString(e)));
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or NotSupportedException)
        {
            return "(unknown endpoint)";
        }
    }

    private async Task EnsureSubscribedAsync()
    {
        try
        {
            var connection = await GetConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await SubscribeAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            Log.SubscribeFailed(_logger, ex.Message, ex);
        }
    }

    private async Task SubscribeAsync(IConnectionMultiplexer connection)
    {
        if (Interlocked.CompareExchange(ref _subscribed, 1, 0) != 0)
        {
            return;
        }

        try
        {
            await connection.GetSubscriber().SubscribeAsync(_channel, OnLockReleased).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Volatile.Write(ref _subscribed, 0);
            Log.SubscribeFailed(_logger, ex.Message, ex);
        }
    }

    /// <summary>Sessions someone in this process is waiting on (for tests).</summary>
    internal int PendingWaiters => _waiters.Pending;

    /// <summary>Releases remembered because nobody waited when they arrived (for tests).</summary>
    internal int UnclaimedReleases => _waiters.Unclaimed;

    private void OnLockReleased(RedisChannel channel, RedisValue message)
    {
        if ((string?)message is { } sessionId)
        {
            _waiters.Announce(sessionId);
        }
    }

    private static bool IsTransientServerError(RedisServerException ex) =>
        ex.Message.StartsWith("LOADING", StringComparison.Ordinal)
        || ex.Message.StartsWith("BUSY", StringComparison.Ordinal)
        || ex.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || ex.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
        || ex.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || ex.Message.StartsWith("READONLY", StringComparison.Ordinal);
}
