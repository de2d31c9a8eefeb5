namespace SessionBridge.Middleware;

/// <summary>What the end of a request did with its session.</summary>
internal enum CommitOutcome
{
    /// <summary>Nothing to write and no lock to release.</summary>
    None,

    /// <summary>The lock was released, nothing written.</summary>
    Released,

    /// <summary>The session was written and its lock released.</summary>
    Saved,

    /// <summary>The session was removed (abandoned).</summary>
    Removed,

    /// <summary>The lock was no longer the request's; nothing was written.</summary>
    LockLost,
}
