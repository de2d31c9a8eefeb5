namespace SessionBridge.Legacy.Format;

/// <summary>
/// What System.Web stores for a session (<c>SessionStateStoreData</c>): its timeout, its items and its
/// session-scoped static objects.
/// </summary>
public sealed class SessionStateData
{
    /// <summary>Creates session data.</summary>
    /// <param name="timeout">The timeout in minutes.</param>
    /// <param name="items">The items; a new empty collection when <see langword="null"/>.</param>
    /// <param name="staticObjects">The static objects section read from a blob, if it had one.</param>
    public SessionStateData(int timeout, SessionStateItemCollection? items = null, SessionStateStaticObjects? staticObjects = null)
    {
        Timeout = timeout;
        Items = items ?? new SessionStateItemCollection();
        StaticObjects = staticObjects;
    }

    /// <summary>The session timeout in minutes, as stored in the blob.</summary>
    public int Timeout { get; set; }

    /// <summary>The session's items.</summary>
    public SessionStateItemCollection Items { get; }

    /// <summary>The static objects section, or <see langword="null"/> when the blob had none.</summary>
    public SessionStateStaticObjects? StaticObjects { get; }
}
