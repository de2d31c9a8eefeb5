namespace SessionBridge.Legacy.Stores;

/// <summary>
/// The one per-session release signal of this process: whoever releases (or learns of the release of) a session's lock
/// calls <see cref="Signal"/>, and every request of this process waiting for that session wakes at once. The
/// middleware's waiters, the in-memory store, the in-process lock provider and the Redis stores' pub/sub waiters all
/// use it.
/// </summary>
/// <remarks>
/// <para>
/// The race it closes: a waiter reads the store, finds the session locked, and only then starts to wait; a release in
/// between would be missed and the waiter would sleep until its next poll. Two ways close it. A waiter that can
/// <see cref="Observe"/> before its read does so, and any release after that completes its
/// <see cref="Observation.Released"/>. A waiter that learns of releases from elsewhere (a Redis channel) after its read
/// uses a remembering instance (<c>unclaimedWindow</c> &gt; 0): a signal nobody observed is kept for that window and
/// completes the next observation at once.
/// </para>
/// <para>
/// Memory is bounded: an entry lives only while someone observes it, and at most <see cref="MaxUnclaimed"/> unclaimed
/// signals are remembered (older ones are forgotten first; forgetting costs only a poll). Waking early is always
/// allowed: the caller reads the store again either way. Time comes from the injected clock only.
/// </para>
/// </remarks>
internal sealed class LockReleaseSignals
{
    /// <summary>At most this many unclaimed signals are remembered; beyond it, old ones are forgotten.</summary>
    public const int MaxUnclaimed = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _unclaimed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _unclaimedWindow;

    /// <summary>Creates the signals.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="unclaimedWindow">
    /// How long a signal nobody observed still completes a later observation; <see cref="TimeSpan.Zero"/> (the default)
    /// forgets it at once, for callers that observe before they read.
    /// </param>
    public LockReleaseSignals(TimeProvider? timeProvider = null, TimeSpan unclaimedWindow = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(unclaimedWindow, TimeSpan.Zero);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _unclaimedWindow = unclaimedWindow;
    }

    /// <summary>Sessions someone in this process observes right now.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Signals remembered because nobody observed them when they arrived.</summary>
    public int Unclaimed
    {
        get
        {
            lock (_gate)
            {
                return _unclaimed.Count;
            }
        }
    }

    /// <summary>
    /// Starts observing <paramref name="sessionId"/>: the observation's <see cref="Observation.Released"/> completes at
    /// the next <see cref="Signal"/> of that session (or at once when a remembered one is claimed). Dispose it when done.
    /// </summary>
    public Observation Observe(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        lock (_gate)
        {
            if (_unclaimed.Remove(sessionId, out var at) && _timeProvider.GetElapsedTime(at) <= _unclaimedWindow)
            {
                return new Observation(this, sessionId, null);
            }

            if (!_entries.TryGetValue(sessionId, out var entry))
            {
                entry = new Entry();
                _entries[sessionId] = entry;
            }

            entry.Observers++;
            return new Observation(this, sessionId, entry);
        }
    }

    /// <summary>Waits until <paramref name="sessionId"/> is signalled or <paramref name="maxWait"/> passes.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask WaitAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var observation = Observe(sessionId);
        try
        {
            await observation.Released.WaitAsync(maxWait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No release was signalled (the legacy application never announces; an expired lock neither): poll again.
        }
    }

    /// <summary>The lock of <paramref name="sessionId"/> was released: wakes its observers, or remembers it for a moment.</summary>
    public void Signal(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.Remove(sessionId, out entry) && _unclaimedWindow > TimeSpan.Zero)
            {
                if (_unclaimed.Count >= MaxUnclaimed)
                {
                    ForgetOld();
                }

                _unclaimed[sessionId] = _timeProvider.GetTimestamp();
            }
        }

        entry?.Released.TrySetResult();
    }

    /// <summary>Wakes every observer (on dispose of the component that owns the signals).</summary>
    public void SignalAll()
    {
        Entry[] entries;
        lock (_gate)
        {
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            entry.Released.TrySetResult();
        }
    }

    private void Stop(string sessionId, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Observers == 0 && _entries.TryGetValue(sessionId, out var current) && current == entry)
            {
                _entries.Remove(sessionId);
            }
        }
    }

    private void ForgetOld()
    {
        List<string>? old = null;
        foreach (var (sessionId, at) in _unclaimed)
        {
            if (_timeProvider.GetElapsedTime(at) > _unclaimedWindow)
            {
                (old ??= []).Add(sessionId);
            }
        }

        if (old is not null)
        {
            foreach (var sessionId in old)
            {
                _unclaimed.Remove(sessionId);
            }
        }

        if (_unclaimed.Count >= MaxUnclaimed)
        {
            _unclaimed.Clear(); // a flood of releases nobody here waits for: forgetting them only costs a poll
        }
    }

    /// <summary>One observer's view of a session's next release.</summary>
    internal sealed class Observation : IDisposable
    {
        private readonly LockReleaseSignals _owner;
        private readonly string _sessionId;
        private Entry? _entry;

        internal Observation(LockReleaseSignals owner, string sessionId, Entry? entry)
        {
            _owner = owner;
            _sessionId = sessionId;
            _entry = entry;
            Released = entry?.Released.Task ?? Task.CompletedTask;
        }

        /// <summary>Completes when the session is next signalled after the observation began.</summary>
        public Task Released { get; }

        /// <summary>Stops observing; the last observer of a session removes its entry.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _entry, null) is { } entry)
            {
                _owner.Stop(_sessionId, entry);
            }
        }
    }

    internal sealed class Entry
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Observers { get; set; }
    }
}
