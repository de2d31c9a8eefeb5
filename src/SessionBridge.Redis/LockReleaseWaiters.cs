using SessionBridge.Legacy.Stores;

namespace SessionBridge.Redis;

/// <summary>
/// The requests of this process waiting for a session's lock to be released, woken by release announcements (Redis
/// pub/sub messages): the process-wide <see cref="LockReleaseSignals"/> in its remembering form. Shared by the stores
/// and lock providers that implement <see cref="ISessionLockReleaseNotifier"/>.
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
    public const int MaxUnclaimed = LockReleaseSignals.MaxUnclaimed;

    private readonly LockReleaseSignals _signals = new(timeProvider, UnclaimedWindow);

    /// <summary>Sessions someone in this process is waiting on.</summary>
    public int Pending => _signals.Pending;

    /// <summary>Announcements remembered because nobody waited when they arrived.</summary>
    public int Unclaimed => _signals.Unclaimed;

    /// <summary>Waits until a release of <paramref name="sessionId"/> is announced, or <paramref name="maxWait"/> passes.</summary>
    public ValueTask WaitAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken) =>
        _signals.WaitAsync(sessionId, maxWait, cancellationToken);

    /// <summary>A release of <paramref name="sessionId"/> was announced: wakes its waiters, or remembers it for a moment.</summary>
    public void Announce(string sessionId) => _signals.Signal(sessionId);

    /// <summary>Wakes every waiter (on dispose).</summary>
    public void WakeAll() => _signals.SignalAll();
}
