using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Stores;

/// <summary>
/// A session store with System.Web's store semantics (the shape of <c>SessionStateStoreProviderBase</c>): exclusive
/// and shared reads, lock IDs and lock ages, uninitialized items, set-and-release, release, remove and timeout reset.
/// </summary>
/// <remarks>
/// <para>
/// A store keeps sessions in the layout its legacy counterpart uses (the state server's blob, the Redis provider's
/// keys, …) and converts with <see cref="SessionStateSerializer"/>; the data it hands out is parsed lazily, so untouched
/// values travel back to the store byte for byte.
/// </para>
/// <para>
/// Every lock a store grants has a time to live, so a crashed holder never blocks a session for longer than that.
/// A store that cannot be reached throws <see cref="SessionStoreUnavailableException"/>; it never reports a missing or
/// empty session instead, and never reports a write it did not make.
/// </para>
/// <para>Session IDs reaching a store have been validated (see <see cref="SessionId"/>).</para>
/// </remarks>
public interface ILegacySessionStore
{
    /// <summary>
    /// Reads a session. With <paramref name="exclusive"/> (System.Web's <c>GetItemExclusive</c>) the session is
    /// locked for the caller when it is found and not locked by someone else; without it (<c>GetItem</c>) no lock is
    /// taken, but a locked session is still reported as locked.
    /// </summary>
    /// <param name="sessionId">The session ID.</param>
    /// <param name="exclusive">Whether to lock the session.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <see cref="SessionStoreResult.Found"/> with the data (and the new lock ID when exclusive);
    /// <see cref="SessionStoreResult.Locked"/> with the holder's lock ID and the lock's age; or
    /// <see cref="SessionStoreResult.NotFound"/>.
    /// </returns>
    ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a session and releases the caller's lock (System.Web's <c>SetAndReleaseItemExclusive</c>). With
    /// <paramref name="newItem"/> the session is inserted whatever is stored; otherwise it is written only while
    /// <paramref name="lockId"/> still holds the lock.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when the data was written; <see langword="false"/> when it was not because the lock was
    /// no longer the caller's (it was stolen after <c>ExecutionTimeout</c>, or the session was removed).
    /// </returns>
    ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken);

    /// <summary>Releases a lock if <paramref name="lockId"/> still holds it (System.Web's <c>ReleaseItemExclusive</c>).</summary>
    ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken);

    /// <summary>Removes a session if <paramref name="lockId"/> holds its lock (System.Web's <c>RemoveItem</c>, used by <c>Abandon</c>).</summary>
    ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken);

    /// <summary>Slides a session's expiry without reading it (System.Web's <c>ResetItemTimeout</c>).</summary>
    ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an empty session flagged <see cref="SessionStateActions.InitializeItem"/> unless one exists
    /// (System.Web's <c>CreateUninitializedItem</c>); the next read reports the flag and clears it.
    /// </summary>
    ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken);
}
