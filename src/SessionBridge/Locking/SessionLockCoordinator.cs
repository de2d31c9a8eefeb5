using SessionBridge.Legacy.Stores;

namespace SessionBridge.Locking;

/// <summary>
/// The requests of this process that use a session: holders signal when they release a lock (through the
/// process-wide <see cref="LockReleaseSignals"/>, so waiters here retry at once), and waiters are counted against the
/// queue limit.
/// </summary>
internal sealed class SessionLockCoordinator
{
    private readonly LockReleaseSignals _signals = new();
    private readonly Dictionary<string, int> _waiters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Requests of this process waiting for some session's lock right now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                foreach (var waiters in _waiters.Values)
                {
                    count += waiters;
                }

                return count;
            }
        }
    }

    /// <summary>Requests of this process waiting for the lock of <paramref name="sessionId"/> right now.</summary>
    public int GetWaitingCount(string sessionId)
    {
        lock (_gate)
        {
            return _waiters.GetValueOrDefault(sessionId);
        }
    }

    /// <summary>
    /// Observes the next release of <paramref name="sessionId"/> by a holder in this process. Take it before reading the
    /// store, so a release between the read and the wait is not missed.
    /// </summary>
    public LockReleaseSignals.Observation ObserveRelease(string sessionId) => _signals.Observe(sessionId);

    /// <summary>Wakes the requests of this process that wait for <paramref name="sessionId"/>.</summary>
    public void SignalRelease(string sessionId) => _signals.Signal(sessionId);

    /// <summary>
    /// Counts a request as waiting for <paramref name="sessionId"/>; <see langword="null"/> when <paramref name="limit"/>
    /// requests already wait. Dispose the result when the request stops waiting.
    /// </summary>
    public IDisposable? TryStartWaiting(string sessionId, int limit)
    {
        lock (_gate)
        {
            var waiting = _waiters.GetValueOrDefault(sessionId);
            if (waiting >= limit)
            {
                return null;
            }

            _waiters[sessionId] = waiting + 1;
            return new Waiting(this, sessionId);
        }
    }

    private void StopWaiting(string sessionId)
    {
        lock (_gate)
        {
            if (_waiters.TryGetValue(sessionId, out var waiting) && waiting > 1)
            {
                _waiters[sessionId] = waiting - 1;
            }
            else
            {
                _waiters.Remove(sessionId);
            }
        }
    }

    private sealed class Waiting(SessionLockCoordinator owner, string sessionId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.StopWaiting(sessionId);
            }
        }
    }
}
