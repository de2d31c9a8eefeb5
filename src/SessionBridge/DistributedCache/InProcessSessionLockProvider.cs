using System.Globalization;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.DistributedCache;

/// <summary>
/// Session locks within this process, with a time to live, that tell waiters at once when a lock is released. Use it
/// when one process serves a session; several processes sharing sessions need a distributed lock provider.
/// </summary>
internal sealed class InProcessSessionLockProvider : ISessionLockProvider, ISessionLockReleaseNotifier
{
    private readonly Dictionary<string, Holder> _locks = new(StringComparer.Ordinal);
    private readonly LockReleaseSignals _signals;
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private long _nextLockId;

    /// <summary>Creates the provider.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InProcessSessionLockProvider(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _signals = new LockReleaseSignals(_timeProvider);
    }

    /// <inheritdoc/>
    public ValueTask<SessionLockResult> TryAcquireAsync(string sessionId, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (TryGetLive(sessionId, now, out var holder))
            {
                return ValueTask.FromResult(SessionLockResult.HeldBy(holder.LockId, now - holder.Since));
            }

            var lockId = (++_nextLockId).ToString(CultureInfo.InvariantCulture);
            _locks[sessionId] = new Holder(lockId, now, now + timeToLive);
            return ValueTask.FromResult(SessionLockResult.Granted(lockId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<SessionLockResult> GetHolderAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            return ValueTask.FromResult(TryGetLive(sessionId, now, out var holder)
                ? SessionLockResult.HeldBy(holder.LockId, now - holder.Since)
                : SessionLockResult.Free);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> IsHeldByAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        lock (_gate)
        {
            return ValueTask.FromResult(TryGetLive(sessionId, _timeProvider.GetUtcNow(), out var holder) && holder.LockId == lockId);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReleaseAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        lock (_gate)
        {
            if (_locks.TryGetValue(sessionId, out var holder) && holder.LockId == lockId)
            {
                _locks.Remove(sessionId);
                Signal(sessionId);
                return ValueTask.FromResult(true);
            }

            return ValueTask.FromResult(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);

        // Observe first, then look: a release after this line completes the observation.
        using var observation = _signals.Observe(sessionId);
        lock (_gate)
        {
            if (!TryGetLive(sessionId, _timeProvider.GetUtcNow(), out _))
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

    private bool TryGetLive(string sessionId, DateTimeOffset now, out Holder holder)
    {
        if (_locks.TryGetValue(sessionId, out holder))
        {
            if (holder.ExpiresAt > now)
            {
                return true;
            }

            _locks.Remove(sessionId);
            Signal(sessionId);
        }

        return false;
    }

    private void Signal(string sessionId) => _signals.Signal(sessionId);

    private readonly record struct Holder(string LockId, DateTimeOffset Since, DateTimeOffset ExpiresAt);
}
