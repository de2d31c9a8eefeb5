using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Stores.InMemory;

namespace SessionBridge.Tests.Infrastructure;

/// <summary>An in-memory store with failure switches.</summary>
internal sealed class FaultyStore(TimeProvider? time = null) : ILegacySessionStore
{
    public InMemorySessionStore Inner { get; } = new(new InMemorySessionStoreOptions { SweepInterval = TimeSpan.Zero }, timeProvider: time);

    public bool FailGet { get; set; }

    public bool FailWrite { get; set; }

    public bool CorruptGet { get; set; }

    public bool HangGet { get; set; }

    public int Writes;

    public int Releases;

    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        if (FailGet)
        {
            throw new SessionStoreUnavailableException("The test store is down.");
        }

        if (CorruptGet)
        {
            throw new LegacySessionFormatException("The test store holds a corrupt session.");
        }

        if (HangGet)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await Inner.GetItemAsync(sessionId, exclusive, cancellationToken);
    }

    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        if (FailWrite)
        {
            throw new IOException("The test store lost its connection.");
        }

        var written = await Inner.SetAndReleaseItemExclusiveAsync(sessionId, data, lockId, newItem, cancellationToken);
        if (written)
        {
            Interlocked.Increment(ref Writes);
        }

        return written;
    }

    public ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Releases);
        return Inner.ReleaseItemExclusiveAsync(sessionId, lockId, cancellationToken);
    }

    public ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken) =>
        Inner.RemoveItemAsync(sessionId, lockId, cancellationToken);

    public ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken) =>
        Inner.ResetItemTimeoutAsync(sessionId, cancellationToken);

    public ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken) =>
        Inner.CreateUninitializedItemAsync(sessionId, timeoutMinutes, cancellationToken);
}
