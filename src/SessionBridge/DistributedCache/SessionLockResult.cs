
namespace SessionBridge.DistributedCache;

/// <summary>The answer of an <see cref="ISessionLockProvider"/>.</summary>
public readonly struct SessionLockResult
{
    private SessionLockResult(bool acquired, string? lockId, TimeSpan lockAge)
    {
        Acquired = acquired;
        LockId = lockId;
        LockAge = lockAge;
    }

    /// <summary>Nobody holds the lock.</summary>
    public static SessionLockResult Free { get; } = new(false, null, TimeSpan.Zero);

    /// <summary>Whether the caller now holds the lock.</summary>
    public bool Acquired { get; }

    /// <summary>The caller's new lock ID when <see cref="Acquired"/>; otherwise the holder's, or <see langword="null"/> when free.</summary>
    public string? LockId { get; }

    /// <summary>How long the holder has held the lock (zero when acquired or free).</summary>
    public TimeSpan LockAge { get; }

    /// <summary>Whether someone else holds the lock.</summary>
    public bool IsHeldByOther => !Acquired && LockId is not null;

    /// <summary>The caller took the lock.</summary>
    public static SessionLockResult Granted(string lockId)
    {
        ArgumentNullException.ThrowIfNull(lockId);
        return new(true, lockId, TimeSpan.Zero);
    }

    /// <summary>Someone else holds the lock.</summary>
    public static SessionLockResult HeldBy(string lockId, TimeSpan lockAge)
    {
        ArgumentNullException.ThrowIfNull(lockId);
        return new(false, lockId, lockAge < TimeSpan.Zero ? TimeSpan.Zero : lockAge);
    }
}
