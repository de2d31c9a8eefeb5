namespace SessionBridge.Legacy.Stores;

/// <summary>The outcome of <see cref="ILegacySessionStore.GetItemAsync"/>.</summary>
public enum SessionStoreStatus
{
    /// <summary>No session is stored under the ID (or it expired).</summary>
    NotFound,

    /// <summary>The session was read (and, for an exclusive read, locked for the caller).</summary>
    Found,

    /// <summary>Someone else holds the session's lock.</summary>
    Locked,
}
