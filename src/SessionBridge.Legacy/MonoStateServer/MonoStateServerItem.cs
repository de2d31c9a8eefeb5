using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// Mono's <c>StateServerItem</c> as it travels by value in a <c>GetItem</c> reply. <see cref="CollectionData"/> is the
/// session in Mono's format, moved as bytes.
/// </summary>
internal sealed class MonoStateServerItem
{
    public byte[]? CollectionData { get; init; }

    public byte[]? StaticObjectsData { get; init; }

    /// <summary>The private <c>last_access</c> field (UTC).</summary>
    public DateTime LastAccess { get; init; }

    /// <summary>Minutes.</summary>
    public int Timeout { get; init; }

    public int LockId { get; init; }

    public bool Locked { get; init; }

    /// <summary>UTC.</summary>
    public DateTime LockedTime { get; init; }

    public SessionStateActions Action { get; init; }
}
