using System.Globalization;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Stores.InMemory;

/// <summary>
/// The embedded session store: sessions live in this process as the serialized System.Web blob, so values behave
/// exactly as they do with an out-of-process store (untouched values travel byte for byte, a value the legacy
/// format cannot hold fails at assignment).
/// </summary>
/// <remarks>
/// <para>
/// Expiry slides on every read, write and timeout reset; locks live at most <see cref="InMemorySessionStoreOptions.LockTimeout"/>;
/// expired sessions are removed when touched and by a periodic sweep, and <see cref="InMemorySessionStoreOptions.MaxSessions"/>
/// bounds the count. Time comes from the given <see cref="TimeProvider"/> only, so tests drive it with a fake clock.
/// </para>
/// <para>
/// It tells waiting requests when a lock is released (<see cref="ISessionLockReleaseNotifier"/>), including locks
/// released by another component that shares this instance.
/// </para>
/// </remarks>
internal sealed class InMemorySessionStore : ILegacySessionStore, ISessionLockReleaseNotifier, IDisposable
{
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly LockReleaseSignals _releaseSignals;
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly LegacySessionFormat _format;
    private readonly TimeSpan _lockTimeout;
    private readonly int? _maxSessions;
    private readonly ITimer? _sweepTimer;
    private long _nextLockId;

    /// <summary>Creates a store.</summary>
    /// <param name="options">The options.</param>
    /// <param name="defaultLockTimeout">The lock lifetime when <see cref="InMemorySessionStoreOptions.LockTimeout"/> is not set.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="format">How sessions are encoded; <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>.</param>
    public InMemorySessionStore(InMemorySessionStoreOptions? options = null, TimeSpan? defaultLockTimeout = null, TimeProvider? timeProvider = null, LegacySessionFormat? format = null)
    {
        options ??= new InMemorySessionStoreOptions();
        _format = format ?? LegacySessionFormat.Default;
        if (options.Dialect is { } dialect)
        {
            _format = _format.WithDialect(dialect);
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _releaseSignals = new LockReleaseSignals(_timeProvider);
        _lockTimeout = options.LockTimeout ?? defaultLockTimeout ?? SystemWebDefaults.ExecutionTimeout;
        if (_lockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _lockTimeout, "InMemorySessionStoreOptions.LockTimeout must be positive.");
        }

        if (options.MaxSessions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSessions, "InMemorySessionStoreOptions.MaxSessions must be positive when set.");
        }

        _maxSessions = options.MaxSessions;
        if (options.SweepInterval > TimeSpan.Zero)
        {
            _sweepTimer = _timeProvider.CreateTimer(static state => ((InMemorySessionStore)state!).RemoveExpired(), this, options.SweepInterval, options.SweepInterval);
        }
    }

    /// <summary>The number of sessions held, expired ones not yet swept included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!TryGetLive(sessionId, now, out var entry))
            {
                return ValueTask.FromResult(SessionStoreResult.NotFound);
            }

            if (entry.LockId is { } holder)
            {
                if (now - entry.LockedAt < _lockTimeout)
                {
                    return ValueTask.FromResult(SessionStoreResult.Locked(holder, now - entry.LockedAt));
                }

                // The holder outlived the lock's time to live: the lock is gone.
                entry.LockId = null;
            }

            // Parse before locking: a corrupt session throws here and is neither locked nor changed.
            var data = _format.DeserializeStoreItems(entry.Blob, (int)entry.Timeout.TotalMinutes);
            var actions = entry.Uninitialized ? SessionStateActions.InitializeItem : SessionStateActions.None;
            entry.Uninitialized = false;
            entry.ExpiresAt = now + entry.Timeout;
            string? lockId = null;
            if (exclusive)
            {
                lockId = (++_nextLockId).ToString(CultureInfo.InvariantCulture);
                entry.LockId = lockId;
                entry.LockedAt = now;
            }

            return ValueTask.FromResult(SessionStoreResult.Found(data, lockId, actions));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        var blob = _format.SerializeStoreItems(data);
        var timeout = ToTimeSpan(data.Timeout);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var exists = TryGetLive(sessionId, now, out var entry);
            if (!newItem && (!exists || entry!.LockId != lockId || lockId is null))
            {
                return ValueTask.FromResult(false);
            }

            if (!exists)
            {
                MakeRoom(now);
                entry = new Entry();
                _sessions[sessionId] = entry;
            }

            var released = entry!.LockId is not null;
            entry.Blob = blob;
            entry.Timeout = timeout;
            entry.ExpiresAt = now + timeout;
            entry.Uninitialized = false;
            entry.LockId = null;
            if (released)
            {
                SignalRelease(sessionId);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_sessions.TryGetValue(sessionId, out var entry) && entry.LockId == lockId)
            {
                entry.LockId = null;
                entry.ExpiresAt = _timeProvider.GetUtcNow() + entry.Timeout;
                SignalRelease(sessionId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_sessions.TryGetValue(sessionId, out var entry) && entry.LockId == lockId)
            {
                _sessions.Remove(sessionId);
                SignalRelease(sessionId);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (TryGetLive(sessionId, now, out var entry))
            {
                entry.ExpiresAt = now + entry.Timeout;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        var timeout = ToTimeSpan(timeoutMinutes);
        var blob = _format.SerializeStoreItems(_format.CreateEmpty(timeoutMinutes));
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!TryGetLive(sessionId, now, out _))
            {
                MakeRoom(now);
                _sessions[sessionId] = new Entry { Blob = blob, Timeout = timeout, ExpiresAt = now + timeout, Uninitialized = true };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);

        // Observe first, then look: a release after this line completes the observation.
        using var observation = _releaseSignals.Observe(sessionId);
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var entry) || entry.LockId is null)
            {
                return;
            }
        }

        try
        {
            await observation.Released.WaitAsync(maxWait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // maxWait elapsed: the caller polls again.
        }
    }

    /// <summary>The stored bytes of a session (in the format's dialect), or <see langword="null"/> when it holds none.</summary>
    internal byte[]? GetStoredBytes(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(sessionId, out var entry) ? entry.Blob : null;
        }
    }

    /// <summary>Removes every expired session now (the sweep timer calls this).</summary>
    public void RemoveExpired()
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            List<string>? expired = null;
            foreach (var (id, entry) in _sessions)
            {
                if (entry.ExpiresAt <= now)
                {
                    (expired ??= []).Add(id);
                }
            }

            if (expired is not null)
            {
                foreach (var id in expired)
                {
                    _sessions.Remove(id);
                    SignalRelease(id);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _sweepTimer?.Dispose();

    private bool TryGetLive(string sessionId, DateTimeOffset now, out Entry entry)
    {
        if (_sessions.TryGetValue(sessionId, out entry!))
        {
            if (entry.ExpiresAt > now)
            {
                return true;
            }

            _sessions.Remove(sessionId);
            SignalRelease(sessionId);
        }

        entry = null!;
        return false;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_maxSessions is not { } max || _sessions.Count < max)
        {
            return;
        }

        foreach (var (id, entry) in _sessions)
        {
            if (entry.ExpiresAt <= now)
            {
                _sessions.Remove(id);
            }
        }

        while (_sessions.Count >= max)
        {
            string? victim = null;
            var soonest = DateTimeOffset.MaxValue;
            foreach (var (id, entry) in _sessions)
            {
                var locked = entry.LockId is not null && now - entry.LockedAt < _lockTimeout;
                if (!locked && entry.ExpiresAt < soonest)
                {
                    soonest = entry.ExpiresAt;
                    victim = id;
                }
            }

            if (victim is null)
            {
                throw new SessionStoreUnavailableException(
                    $"The in-memory session store holds {_sessions.Count} sessions, all locked, and MaxSessions is {max}; raise InMemorySessionStoreOptions.MaxSessions.");
            }

            _sessions.Remove(victim);
        }
    }

    private void SignalRelease(string sessionId) => _releaseSignals.Signal(sessionId);

    private static TimeSpan ToTimeSpan(int timeoutMinutes)
    {
        if (timeoutMinutes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeoutMinutes), timeoutMinutes, "A session timeout must be at least one minute.");
        }

        return TimeSpan.FromMinutes(timeoutMinutes);
    }

    private sealed class Entry
    {
        public byte[] Blob { get; set; } = [];

        public TimeSpan Timeout { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public bool Uninitialized { get; set; }

        public string? LockId { get; set; }

        public DateTimeOffset LockedAt { get; set; }
    }
}
