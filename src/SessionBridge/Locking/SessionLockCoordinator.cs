namespace SessionBridge.Locking;

/// <summary>
/// The requests of this process that use a session: each takes a ticket while it acquires the session, holders signal
/// when they release a lock (so waiters here retry at once), and waiters are counted against the queue limit.
/// </summary>
internal sealed class SessionLockCoordinator
{
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Requests of this process waiting for some session's lock right now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                foreach (var queue in _queues.Values)
                {
                    count += queue.Waiters;
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
            return _queues.TryGetValue(sessionId, out var queue) ? queue.Waiters : 0;
        }
    }

    public Ticket Enter(string sessionId)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(sessionId, out var queue))
            {
                queue = new Queue();
                _queues[sessionId] = queue;
            }

            queue.Users++;
            return new Ticket(this, sessionId, queue);
        }
    }

    /// <summary>Wakes the requests of this process that wait for <paramref name="sessionId"/>.</summary>
    public void SignalRelease(string sessionId)
    {
        TaskCompletionSource? released = null;
        lock (_gate)
        {
            if (_queues.TryGetValue(sessionId, out var queue) && queue.Waiters > 0)
            {
                released = queue.Signal;
                queue.Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        released?.TrySetResult();
    }

    private Task CurrentSignal(Queue queue)
    {
        lock (_gate)
        {
            return queue.Signal.Task;
        }
    }

    private bool StartWaiting(Queue queue, int limit)
    {
        lock (_gate)
        {
            if (queue.Waiters >= limit)
            {
                return false;
            }

            queue.Waiters++;
            return true;
        }
    }

    private void StopWaiting(Queue queue)
    {
        lock (_gate)
        {
            queue.Waiters--;
        }
    }

    private void Leave(string sessionId, Queue queue)
    {
        lock (_gate)
        {
            if (--queue.Users == 0)
            {
                _queues.Remove(sessionId);
            }
        }
    }

    /// <summary>One request's place among the users of a session.</summary>
    internal sealed class Ticket(SessionLockCoordinator owner, string sessionId, Queue queue) : IDisposable
    {
        private bool _waiting;
        private bool _disposed;

        /// <summary>Completes when a holder in this process next releases the lock. Take it before reading the store.</summary>
        public Task Released => owner.CurrentSignal(queue);

        /// <summary>Counts this request as waiting; <see langword="false"/> when the queue is full.</summary>
        public bool TryStartWaiting(int limit)
        {
            if (_waiting)
            {
                return true;
            }

            _waiting = owner.StartWaiting(queue, limit);
            return _waiting;
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_waiting)
            {
                owner.StopWaiting(queue);
            }

            owner.Leave(sessionId, queue);
        }
    }

    internal sealed class Queue
    {
        public int Users { get; set; }

        public int Waiters { get; set; }

        public TaskCompletionSource Signal { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
