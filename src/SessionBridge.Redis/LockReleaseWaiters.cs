using System.Collections.Concurrent;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Redis;

/// <summary>
/// The requests of this process waiting for a session's lock to be released, woken by release announcements (Redis
/// pub/sub messages). Shared by the stores and lock providers that implement <see cref="ISessionLockReleaseNotifier"/>.
/// </summary>
/// <remarks>
/// A request registers as a waiter only after its read found the session locked, so an announcement can arrive in
/// between. An announcement nobody waited for is therefore remembered for <see cref="UnclaimedWindow"/>, and a waiter
/// that registers within it returns at once. Waking early is allowed: at worst the caller's next read finds the lock
/// taken again and it waits once more.
/// </remarks>
internal sealed class LockReleaseWaiters(TimeProvider timeProvider)
{
    /// <summary>How long an announcement nobody waited for still wakes a waiter that registers later.</summary>
    public static readonly TimeSpan UnclaimedWindow = TimeSpan.FromSeconds(1);

    /// <summary>At most this many unclaimed announcements are remembered; beyond it, old ones are forgotten.</summary>
    public const int MaxUnclaimed = 10_000;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _unclaimed = new(StringComparer.Ordinal);

    /// <summary>Sessions someone in this process is waiting on.</summary>
    public int Pending => _waiters.Count;

    /// <summary>Announcements remembered because nobody waited when they arrived.</summary>
    public int Unclaimed => _unclaimed.Count;

    /// <summary>Waits until a release of <paramref name="sessionId"/> is announced, or <paramref name="maxWait"/> passes.</summary>
    public async ValueTask WaitAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(sessionId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        // Register, then claim (Announce remembers, then wakes): whichever runs second sees the other's step.
        if (TryClaim(sessionId) && _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(sessionId, waiter)))
        {
            waiter.TrySetResult();
        }

        try
        {
            await waiter.Task.WaitAsync(maxWait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No release was announced (the legacy application never announces; an expired lock neither): poll again.
        }
        finally
        {
            // Timed out or cancelled: drop the entry so it cannot pile up, and wake whoever else shares it (waking
            // early is allowed) so that none of them waits on an entry that is gone.
            if (!waiter.Task.IsCompleted && _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(sessionId, waiter)))
            {
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>A release of <paramref name="sessionId"/> was announced: wakes its waiters, or remembers it for a moment.</summary>
    public void Announce(string sessionId)
    {
        if (_waiters.TryRemove(sessionId, out var waiter))
        {
            waiter.TrySetResult();
            return;
        }

        if (_unclaimed.Count >= MaxUnclaimed)
        {
            ForgetOld();
        }

        _unclaimed[sessionId] = timeProvider.GetTimestamp();
        if (_waiters.TryRemove(sessionId, out waiter))
        {
            _unclaimed.TryRemove(sessionId, out _);
            waiter.TrySetResult();
        }
    }

    /// <summary>Wakes every waiter (on dispose).</summary>
    public void WakeAll()
    {
        foreach (var waiter in _waiters.Values)
        {
            waiter.TrySetResult();
        }
    }

    private bool TryClaim(string sessionId) =>
        _unclaimed.TryRemove(sessionId, out var at) && timeProvider.GetElapsedTime(at) <= UnclaimedWindow;

    private void ForgetOld()
    {
        foreach (var (sessionId, at) in _unclaimed)
        {
            if (timeProvider.GetElapsedTime(at) > UnclaimedWindow)
            {
                _unclaimed.TryRemove(new KeyValuePair<string, long>(sessionId, at));
            }
        }

        if (_unclaimed.Count >= MaxUnclaimed)
        {
            _unclaimed.Clear(); // a flood of releases nobody here waits for: forgetting them only costs a poll
        }
    }
}
