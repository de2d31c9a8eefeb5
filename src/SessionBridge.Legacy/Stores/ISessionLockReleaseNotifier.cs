namespace SessionBridge.Legacy.Stores;

/// <summary>
/// Implemented by stores that can tell a waiting request that a session's lock was released (for example through
/// Redis pub/sub), so that it need not poll.
/// </summary>
public interface ISessionLockReleaseNotifier
{
    /// <summary>
    /// Completes when the lock on <paramref name="sessionId"/> may have been released, or after
    /// <paramref name="maxWait"/>, whichever comes first. Completing early is always allowed: the caller retries its
    /// read either way.
    /// </summary>
    ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken);
}
