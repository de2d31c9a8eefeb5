using System.Globalization;
using SessionBridge.DistributedCache;
using SessionBridge.Legacy.Stores;
using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>
/// Session locks in Redis for <see cref="DistributedCacheSessionStore"/>, so that several processes sharing sessions
/// through an <c>IDistributedCache</c> order their writers. Each lock is one key with a time to live; taking it and
/// releasing it (only by its owner) are each one atomic script.
/// </summary>
/// <remarks>
/// The key is <c>&lt;prefix&gt;{&lt;sessionId&gt;}</c> (default prefix <c>SessionBridge:Lock:</c>); its value, the lock ID, is
/// the Unix time in milliseconds it was taken at and a random part, so every process can tell a lock's age. An attempt
/// that finds the lock taken sets a flag (<c>&lt;prefix&gt;{&lt;sessionId&gt;}:Waiting</c>, expiring with the lock TTL), and
/// a release that clears the flag publishes the session ID on the channel <c>&lt;prefix&gt;Released</c> from inside the
/// releasing script, so requests waiting in any process (<see cref="WaitForReleaseAsync"/>) wake at once and
/// uncontended releases publish nothing; a lock that expires wakes nobody, and the waiters' next poll finds it free.
/// </remarks>
internal sealed class RedisSessionLockProvider : ISessionLockProvider, ISessionLockReleaseNotifier, IDisposable
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultKeyPrefix = "SessionBridge:Lock:";

    // KEYS[1] lock, KEYS[2] waiting flag; ARGV[1] candidate lock ID, ARGV[2] TTL in milliseconds. Returns nil when
    // taken, else the holder, after flagging that someone waits for it.
    private const string AcquireScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return false
        end
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
        return redis.call('GET', KEYS[1])
        """;

    // KEYS[1] lock, KEYS[2] waiting flag; ARGV[1] the owner's lock ID, ARGV[2] the release channel, ARGV[3] the
    // session ID. Deletes the lock only when the owner still holds it, and announces the release only when someone
    // found the lock taken meanwhile (clearing the flag), so uncontended locks publish nothing.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[2]) == 1 then
            redis.call('PUBLISH', ARGV[2], ARGV[3])
          end
          return 1
        end
        return 0
        """;

    private readonly ConfigurationOptions? _configuration;
    private readonly object _connectLock = new();
    private IConnectionMultiplexer? _connection;
    private Task<IConnectionMultiplexer>? _connecting;
    private bool _disposed;
    private readonly string _keyPrefix;
    private readonly TimeProvider _timeProvider;
    private readonly RedisChannel _channel;
    private readonly LockReleaseWaiters _waiters;
    private int _subscribed;

    /// <summary>Creates the provider over the application's connection, which it does not dispose.</summary>
    /// <param name="connection">The Redis connection.</param>
    /// <param name="keyPrefix">The prefix of the lock keys; <see cref="DefaultKeyPrefix"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for lock ages; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public RedisSessionLockProvider(IConnectionMultiplexer connection, string? keyPrefix = null, TimeProvider? timeProvider = null)
        : this(keyPrefix, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    private RedisSessionLockProvider(ConfigurationOptions configuration, string? keyPrefix, TimeProvider? timeProvider)
        : this(keyPrefix, timeProvider)
    {
        _configuration = configuration;
    }

    private RedisSessionLockProvider(string? keyPrefix, TimeProvider? timeProvider)
    {
        _keyPrefix = keyPrefix ?? DefaultKeyPrefix;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _waiters = new LockReleaseWaiters(_timeProvider);
        _channel = new RedisChannel(_keyPrefix + "Released", RedisChannel.PatternMode.Literal);
    }

    /// <summary>
    /// Creates the provider with its own connection from a StackExchange.Redis configuration string
    /// (<c>abortConnect</c> forced to <see langword="false"/>, so it starts and reconnects while Redis is down); disposing
    /// the provider closes it.
    /// </summary>
    /// <remarks>
    /// Nothing connects here: the first operation starts connecting, asynchronously, and every operation waits for it
    /// only as long as its own cancellation token allows (the middleware's <c>StoreTimeout</c>). Connecting here, or
    /// synchronously, would hold the thread that first resolves the store (a request's) for up to <c>connectTimeout</c>,
    /// outside every deadline, while Redis is unreachable.
    /// </remarks>
    /// <param name="configuration">The configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="keyPrefix">The prefix of the lock keys; <see cref="DefaultKeyPrefix"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for lock ages; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The provider.</returns>
    public static RedisSessionLockProvider Connect(string configuration, string? keyPrefix = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        // Since 2.5 a command issued while disconnected waits in the client's backlog; fail at once instead, so the
        // operation timeout and the circuit breaker see the outage (a connection the application supplies keeps its policy).
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return new RedisSessionLockProvider(options, keyPrefix, timeProvider);
    }

    /// <inheritdoc/>
    public async ValueTask<SessionLockResult> TryAcquireAsync(string sessionId, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var candidate = string.Create(CultureInfo.InvariantCulture, $"{now}:{Guid.NewGuid():N}");
        var ttl = (long)Math.Ceiling(timeToLive.TotalMilliseconds);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var holder = await database
            .ScriptEvaluateAsync(AcquireScript, [Key(sessionId), WaitingKey(sessionId)], [candidate, ttl])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return holder.IsNull ? SessionLockResult.Granted(candidate) : HeldBy((string)holder!);
    }

    /// <inheritdoc/>
    public async ValueTask<SessionLockResult> GetHolderAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var holder = await database.StringGetAsync(Key(sessionId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return holder.IsNull ? SessionLockResult.Free : HeldBy((string)holder!);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> IsHeldByAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var holder = await database.StringGetAsync(Key(sessionId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals((string?)holder, lockId, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReleaseAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await database
            .ScriptEvaluateAsync(ReleaseScript, [Key(sessionId), WaitingKey(sessionId)], [lockId, (RedisValue)_channel.ToString(), sessionId])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)deleted == 1;
    }

    /// <inheritdoc/>
    public async ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        if (maxWait <= TimeSpan.Zero)
        {
            return;
        }

        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        await _waiters.WaitAsync(sessionId, maxWait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Wakes every waiter and closes the connection when the provider created it.</summary>
    public void Dispose()
    {
        Task<IConnectionMultiplexer>? owned;
        lock (_connectLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            owned = _connecting;
        }

        _waiters.WakeAll();
        if (owned is not null)
        {
            _ = CloseWhenMadeAsync(owned);
        }
    }

    // A connection still being made is closed once it is made (ConnectAsync closes one made after Dispose itself).
    private static async Task CloseWhenMadeAsync(Task<IConnectionMultiplexer> connecting)
    {
        try
        {
            (await connecting.ConfigureAwait(false)).Dispose();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The database, connecting first (once, asynchronously, within <paramref name="cancellationToken"/>) when the provider owns the connection.</summary>
    private ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        var connection = Volatile.Read(ref _connection);
        return connection is not null ? new ValueTask<IDatabase>(connection.GetDatabase()) : ConnectAndGetDatabaseAsync(cancellationToken);
    }

    private async ValueTask<IDatabase> ConnectAndGetDatabaseAsync(CancellationToken cancellationToken) =>
        (await ConnectionAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    private Task<IConnectionMultiplexer> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } connection)
        {
            return Task.FromResult(connection);
        }

        Task<IConnectionMultiplexer> connecting;
        lock (_connectLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync(_configuration!);
            }

            connecting = _connecting;
        }

        return connecting.WaitAsync(cancellationToken);
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        IConnectionMultiplexer made = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        lock (_connectLock)
        {
            if (_disposed)
            {
                made.Dispose();
                throw new ObjectDisposedException(nameof(RedisSessionLockProvider));
            }

            Volatile.Write(ref _connection, made);
        }

        return made;
    }

    private async ValueTask EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _subscribed) == 1 || Interlocked.CompareExchange(ref _subscribed, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            await connection.GetSubscriber().SubscribeAsync(_channel, OnReleased).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // Without the subscription waiters fall back to polling; try again on the next wait.
            Volatile.Write(ref _subscribed, 0);
        }
    }

    private void OnReleased(RedisChannel channel, RedisValue message)
    {
        if ((string?)message is { } sessionId)
        {
            _waiters.Announce(sessionId);
        }
    }

    private RedisKey Key(string sessionId) => string.Concat(_keyPrefix, "{", sessionId, "}");

    // In the lock's hash slot (same hash tag), so both scripts work on Redis Cluster.
    private RedisKey WaitingKey(string sessionId) => string.Concat(_keyPrefix, "{", sessionId, "}:Waiting");

    private SessionLockResult HeldBy(string lockId)
    {
        // A value this provider did not write (no "<unix ms>:" prefix) reads as ancient, so a waiter steals it.
        var separator = lockId.IndexOf(':', StringComparison.Ordinal);
        if (separator > 0 && long.TryParse(lockId.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var takenAt))
        {
            return SessionLockResult.HeldBy(lockId, TimeSpan.FromMilliseconds(Math.Max(0, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - takenAt)));
        }

        return SessionLockResult.HeldBy(lockId, TimeSpan.MaxValue);
    }
}
