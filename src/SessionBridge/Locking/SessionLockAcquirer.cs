using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Middleware;

namespace SessionBridge.Locking;

/// <summary>
/// Acquires a request's session as SessionStateModule does (DESIGN.md, step 3): reads it, exclusively or not; when
/// another request holds the lock, waits (woken at once by a holder in this process, by the store's notification where
/// it has one, otherwise by a poll backing off from 5 ms to <see cref="LegacySessionOptions.MaxLockPollInterval"/>),
/// steals a lock older than <see cref="LegacySessionOptions.ExecutionTimeout"/>, and refuses a request beyond
/// <see cref="LegacySessionOptions.RequestQueueLimit"/> waiters. Every store call, the wait included, goes through
/// <see cref="StoreInvoker"/> (deadline, metrics, exception translation).
/// </summary>
internal sealed class SessionLockAcquirer(
    IOptions<LegacySessionOptions> options,
    StoreInvoker store,
    SessionLockCoordinator coordinator,
    LegacySessionFormat format,
    SessionBridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<SessionLockAcquirer> logger)
{
    private readonly LegacySessionOptions _options = options.Value;

    /// <summary>Acquires the session the request presented, or a new one when it presented none.</summary>
    /// <exception cref="LegacySessionQueueFullException">Too many requests of this process already wait for the session.</exception>
    /// <exception cref="SessionStoreUnavailableException">The store failed or did not answer in time.</exception>
    /// <exception cref="LegacySessionFormatException">The stored session cannot be read.</exception>
    public async ValueTask<AcquiredSession> AcquireAsync(string? presentedId, bool exclusive, CancellationToken cancellationToken)
    {
        if (presentedId is null)
        {
            return NewMinted();
        }

        IDisposable? waiting = null;
        var waitStarted = 0L;
        var createdUninitialized = false;
        var delay = LegacySessionDefaults.MinLockPollInterval;
        try
        {
            while (true)
            {
                // Observed before the read, so a release by a holder here between the read and the wait is not missed.
                using var released = coordinator.ObserveRelease(presentedId);
                var result = await store.GetItemAsync(presentedId, exclusive, cancellationToken).ConfigureAwait(false);
                switch (result.Status)
                {
                    case SessionStoreStatus.Found:
                        if (result.LockId is not null)
                        {
                            metrics.LockAcquired();
                        }

                        return new AcquiredSession(presentedId, result.Data!, result.LockId,
                            IsNew: (result.Actions & SessionStateActions.InitializeItem) != 0, InStore: true, Minted: false, timeProvider.GetTimestamp());

                    case SessionStoreStatus.NotFound:
                        if (_options.RejectUnknownIds)
                        {
                            return NewMinted();
                        }

                        if (!exclusive || createdUninitialized)
                        {
                            return new AcquiredSession(presentedId, format.CreateEmpty(_options.Timeout), null, IsNew: true, InStore: false, Minted: false, 0);
                        }

                        // SessionStateModule.GetSessionStateItem (DevDiv 146875): an unknown presented ID is reused.
                        await store.CreateUninitializedItemAsync(presentedId, _options.Timeout, cancellationToken).ConfigureAwait(false);
                        createdUninitialized = true;
                        continue;

                    default:
                        if (result.LockAge >= _options.ExecutionTimeout)
                        {
                            await StealAsync(presentedId, result, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        if (waiting is null)
                        {
                            waiting = coordinator.TryStartWaiting(presentedId, _options.RequestQueueLimit) ?? throw QueueFull(presentedId);
                            waitStarted = timeProvider.GetTimestamp();
                            LockLog.Waiting(logger, SessionIdForLog.Shorten(presentedId), result.LockAge);
                        }

                        await WaitForReleaseAsync(released.Released, presentedId, delay, cancellationToken).ConfigureAwait(false);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxLockPollInterval.Ticks));
                        break;
                }
            }
        }
        finally
        {
            waiting?.Dispose();
            if (waitStarted != 0)
            {
                metrics.LockWaited(timeProvider.GetElapsedTime(waitStarted));
            }
        }
    }

    /// <summary>Wakes the requests of this process that wait for <paramref name="sessionId"/>: its holder here released it.</summary>
    public void Released(string sessionId) => coordinator.SignalRelease(sessionId);

    private AcquiredSession NewMinted() =>
        new(SessionIds.Create(_options.LegacyPlatform), format.CreateEmpty(_options.Timeout), null, IsNew: true, InStore: false, Minted: true, 0);

    private async ValueTask StealAsync(string sessionId, SessionStoreResult result, CancellationToken cancellationToken)
    {
        LockLog.Stolen(logger, SessionIdForLog.Shorten(sessionId), result.LockAge, _options.ExecutionTimeout);
        metrics.LockStolen();
        await store.ReleaseItemExclusiveAsync(sessionId, result.LockId!, cancellationToken).ConfigureAwait(false);
        coordinator.SignalRelease(sessionId);
    }

    private LegacySessionQueueFullException QueueFull(string sessionId)
    {
        metrics.QueueRejected();
        LockLog.QueueFull(logger, SessionIdForLog.Shorten(sessionId), _options.RequestQueueLimit);
        return new LegacySessionQueueFullException(
            $"{_options.RequestQueueLimit} requests already wait for this session's lock (LegacySession:RequestQueueLimit). Try again shortly.");
    }

    /// <summary>
    /// Waits for whichever comes first: a release by a holder in this process, the store's notification (through
    /// <see cref="StoreInvoker"/>), or, for a store without one, the poll delay.
    /// </summary>
    private async Task WaitForReleaseAsync(Task releasedHere, string sessionId, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var other = store.NotifiesRelease
            ? store.WaitForReleaseAsync(sessionId, delay, stop.Token).AsTask()
            : Task.Delay(delay, timeProvider, stop.Token);
        var winner = await Task.WhenAny(releasedHere, other).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (winner == other)
        {
            // A failing notification only costs the wake-up (the invoker logged it); the next read reports a failing store.
            _ = other.Exception;
        }
        else
        {
            _ = other.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
