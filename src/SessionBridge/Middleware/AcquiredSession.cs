using SessionBridge.Legacy.Format;

namespace SessionBridge.Middleware;

/// <summary>What acquiring a session produced.</summary>
/// <param name="Id">The session ID.</param>
/// <param name="Data">The session data (new and empty when not in the store).</param>
/// <param name="LockId">The request's lock, when it holds one.</param>
/// <param name="IsNew">Whether the session is new for this request (System.Web's <c>IsNewSession</c>).</param>
/// <param name="InStore">Whether the store holds the session (so a save is not an insert).</param>
/// <param name="Minted">Whether the ID was created by this request (so it needs a cookie once stored).</param>
/// <param name="LockedAt">The timestamp the lock was taken at.</param>
internal readonly record struct AcquiredSession(string Id, SessionStateData Data, string? LockId, bool IsNew, bool InStore, bool Minted, long LockedAt);
