
namespace SessionBridge.DistributedCache;

/// <summary>
/// Per-session locks for <see cref="DistributedCacheSessionStore"/>, which an <c>IDistributedCache</c> cannot provide
/// itself. <see cref="InProcessSessionLockProvider"/> (the default) locks within one process; sessions shared by
/// several processes need a distributed provider (the Redis store brings one).
/// </summary>
/// <remarks>Every lock has a time to live, so a crashed holder never blocks a session for longer.</remarks>
public interface ISessionLockProvider
{
    /// <summary>Takes the lock of a session unless someone holds it.</summary>
    ValueTask<SessionLockResult> TryAcquireAsync(string sessionId, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Who holds the lock of a session, without taking it.</summary>
    ValueTask<SessionLockResult> GetHolderAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="lockId"/> still holds the lock.</summary>
    ValueTask<bool> IsHeldByAsync(string sessionId, string lockId, CancellationToken cancellationToken);

    /// <summary>Releases the lock if <paramref name="lockId"/> holds it; <see langword="true"/> when it did.</summary>
    ValueTask<bool> ReleaseAsync(string sessionId, string lockId, CancellationToken cancellationToken);
}
