using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Tests.Infrastructure;

/// <summary>Puts sessions into a store and reads them back, the way the legacy application would.</summary>
internal static class Sessions
{
    public static async Task<string> SeedAsync(ILegacySessionStore store, int timeout = 20, params (string Key, object? Value)[] items)
    {
        var id = SessionId.Create();
        var data = new SessionStateData(timeout);
        foreach (var (key, value) in items)
        {
            data.Items[key] = value;
        }

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, TestContext.Current.CancellationToken));
        return id;
    }

    /// <summary>Reads a session without locking it; null when the store does not hold it.</summary>
    public static async Task<SessionStateData?> ReadAsync(ILegacySessionStore store, string id)
    {
        var result = await store.GetItemAsync(id, exclusive: false, TestContext.Current.CancellationToken);
        Assert.NotEqual(SessionStoreStatus.Locked, result.Status);
        return result.Data;
    }

    /// <summary>Proves nobody holds the session's lock: an exclusive read succeeds (and is released again).</summary>
    public static async Task AssertUnlockedAsync(ILegacySessionStore store, string id)
    {
        var result = await store.GetItemAsync(id, exclusive: true, TestContext.Current.CancellationToken);
        Assert.Equal(SessionStoreStatus.Found, result.Status);
        await store.ReleaseItemExclusiveAsync(id, result.LockId!, TestContext.Current.CancellationToken);
    }
}
