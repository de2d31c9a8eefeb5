namespace SessionBridge;

/// <summary>How an endpoint uses the session (System.Web's <c>SessionStateBehavior</c>).</summary>
public enum LegacySessionBehavior
{
    /// <summary>
    /// Read and write, with the session's exclusive lock held for the whole request (System.Web's
    /// <c>IRequiresSessionState</c>, a WebForms page's default).
    /// </summary>
    Required,

    /// <summary>
    /// Read only: no lock is taken, so read-only requests of one session run side by side, but they wait while a
    /// writer holds the lock (System.Web's <c>IReadOnlySessionState</c>). Writes throw.
    /// </summary>
    ReadOnly,

    /// <summary>No session: the store is not read; a presented session's expiry is slid, as System.Web does.</summary>
    Disabled,
}
