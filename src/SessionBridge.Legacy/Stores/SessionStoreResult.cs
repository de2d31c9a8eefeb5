using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Stores;

/// <summary>The result of <see cref="ILegacySessionStore.GetItemAsync"/>.</summary>
public readonly struct SessionStoreResult
{
    private SessionStoreResult(SessionStoreStatus status, SessionStateData? data, string? lockId, TimeSpan lockAge, SessionStateActions actions)
    {
        Status = status;
        Data = data;
        LockId = lockId;
        LockAge = lockAge;
        Actions = actions;
    }

    /// <summary>No session is stored under the ID.</summary>
    public static SessionStoreResult NotFound { get; } = new(SessionStoreStatus.NotFound, null, null, TimeSpan.Zero, SessionStateActions.None);

    /// <summary>What happened.</summary>
    public SessionStoreStatus Status { get; }

    /// <summary>The session, when <see cref="Status"/> is <see cref="SessionStoreStatus.Found"/>.</summary>
    public SessionStateData? Data { get; }

    /// <summary>
    /// When found by an exclusive read, the caller's new lock ID; when locked, the holder's lock ID (System.Web passes
    /// it to <c>ReleaseItemExclusive</c> to steal a lock older than <c>ExecutionTimeout</c>).
    /// </summary>
    public string? LockId { get; }

    /// <summary>When locked, how long the lock has been held.</summary>
    public TimeSpan LockAge { get; }

    /// <summary>When found, what the reader must do (<see cref="SessionStateActions.InitializeItem"/> for an uninitialized item).</summary>
    public SessionStateActions Actions { get; }

    /// <summary>The session was read.</summary>
    public static SessionStoreResult Found(SessionStateData data, string? lockId, SessionStateActions actions = SessionStateActions.None)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new(SessionStoreStatus.Found, data, lockId, TimeSpan.Zero, actions);
    }

    /// <summary>Someone else holds the lock.</summary>
    public static SessionStoreResult Locked(string lockId, TimeSpan lockAge)
    {
        ArgumentNullException.ThrowIfNull(lockId);
        return new(SessionStoreStatus.Locked, null, lockId, lockAge < TimeSpan.Zero ? TimeSpan.Zero : lockAge, SessionStateActions.None);
    }
}
