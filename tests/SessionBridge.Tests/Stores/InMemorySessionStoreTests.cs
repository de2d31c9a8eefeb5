using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Stores.InMemory;

namespace SessionBridge.Tests.Stores;

public sealed class InMemorySessionStoreTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly FakeTimeProvider _time = new();

    private InMemorySessionStore NewStore(int? maxSessions = null) =>
        new(new InMemorySessionStoreOptions { LockTimeout = TimeSpan.FromSeconds(110), MaxSessions = maxSessions }, timeProvider: _time);

    private static async Task<string> PutAsync(InMemorySessionStore store, int timeout = 20, int count = 1)
    {
        var id = SessionId.Create();
        var data = new SessionStateData(timeout);
        data.Items["Count"] = count;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, s_none));
        return id;
    }

    [Fact]
    public async Task Get_WhenMissing_ReportsNotFound()
    {
        using var store = NewStore();

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(SessionId.Create(), exclusive: true, s_none)).Status);
    }

    [Fact]
    public async Task GetExclusive_WhenLockedByOther_ReportsLockedWithHolderAndAge()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        var first = await store.GetItemAsync(id, exclusive: true, s_none);
        _time.Advance(TimeSpan.FromSeconds(7));

        var second = await store.GetItemAsync(id, exclusive: true, s_none);
        var shared = await store.GetItemAsync(id, exclusive: false, s_none);

        Assert.Equal(SessionStoreStatus.Locked, second.Status);
        Assert.Equal(first.LockId, second.LockId);
        Assert.Equal(TimeSpan.FromSeconds(7), second.LockAge);
        Assert.Equal(SessionStoreStatus.Locked, shared.Status);
    }

    [Fact]
    public async Task Lock_ExpiresAfterLockTimeout()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        var first = await store.GetItemAsync(id, exclusive: true, s_none);
        _time.Advance(TimeSpan.FromSeconds(110));

        var second = await store.GetItemAsync(id, exclusive: true, s_none);

        Assert.Equal(SessionStoreStatus.Found, second.Status);
        Assert.NotEqual(first.LockId, second.LockId);
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, first.Data!, first.LockId, newItem: false, s_none));
    }

    [Fact]
    public async Task Release_WithAnotherLockId_DoesNothing()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        var held = await store.GetItemAsync(id, exclusive: true, s_none);

        await store.ReleaseItemExclusiveAsync(id, "not-the-holder", s_none);

        Assert.Equal(SessionStoreStatus.Locked, (await store.GetItemAsync(id, exclusive: true, s_none)).Status);
        await store.ReleaseItemExclusiveAsync(id, held.LockId!, s_none);
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(id, exclusive: true, s_none)).Status);
    }

    [Fact]
    public async Task Expiry_Slides_OnReadsAndTimeoutResets()
    {
        using var store = NewStore();
        var id = await PutAsync(store, timeout: 10);

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
        _time.Advance(TimeSpan.FromMinutes(9));
        await store.ResetItemTimeoutAsync(id, s_none);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
    }

    [Fact]
    public async Task Sweep_RemovesExpiredSessions()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { SweepInterval = TimeSpan.FromMinutes(1) }, timeProvider: _time);
        await PutAsync(store, timeout: 1);
        await PutAsync(store, timeout: 1);
        var kept = await PutAsync(store, timeout: 30);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, store.Count);
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(kept, exclusive: false, s_none)).Status);
    }

    [Fact]
    public async Task MaxSessions_EvictsTheUnlockedSessionClosestToExpiry()
    {
        using var store = NewStore(maxSessions: 2);
        var soonest = await PutAsync(store, timeout: 5);
        var locked = await PutAsync(store, timeout: 1);
        await store.GetItemAsync(locked, exclusive: true, s_none);

        var newest = await PutAsync(store, timeout: 30);

        Assert.Equal(2, store.Count);
        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(soonest, exclusive: false, s_none)).Status);
        Assert.Equal(SessionStoreStatus.Locked, (await store.GetItemAsync(locked, exclusive: false, s_none)).Status);
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(newest, exclusive: false, s_none)).Status);
    }

    [Fact]
    public async Task UninitializedItem_IsReportedOnce_ThenInitialized()
    {
        using var store = NewStore();
        var id = SessionId.Create();

        await store.CreateUninitializedItemAsync(id, 20, s_none);
        var first = await store.GetItemAsync(id, exclusive: true, s_none);
        await store.ReleaseItemExclusiveAsync(id, first.LockId!, s_none);
        var second = await store.GetItemAsync(id, exclusive: true, s_none);

        Assert.Equal(SessionStateActions.InitializeItem, first.Actions);
        Assert.Equal(0, first.Data!.Items.Count);
        Assert.Equal(20, first.Data.Timeout);
        Assert.Equal(SessionStateActions.None, second.Actions);
    }

    [Fact]
    public async Task CreateUninitialized_DoesNotReplaceAnExistingSession()
    {
        using var store = NewStore();
        var id = await PutAsync(store, count: 5);

        await store.CreateUninitializedItemAsync(id, 20, s_none);

        var result = await store.GetItemAsync(id, exclusive: false, s_none);
        Assert.Equal(5, result.Data!.Items["Count"]);
        Assert.Equal(SessionStateActions.None, result.Actions);
    }

    [Fact]
    public async Task Remove_NeedsTheLock()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        var held = await store.GetItemAsync(id, exclusive: true, s_none);

        await store.RemoveItemAsync(id, "other", s_none);
        Assert.Equal(SessionStoreStatus.Locked, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
        await store.RemoveItemAsync(id, held.LockId!, s_none);

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
    }

    [Fact]
    public async Task SetAndRelease_WithoutTheLock_WritesNothing()
    {
        using var store = NewStore();
        var id = await PutAsync(store, count: 1);
        var data = new SessionStateData(20);
        data.Items["Count"] = 2;

        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, data, "stale", newItem: false, s_none));
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(SessionId.Create(), data, "stale", newItem: false, s_none));

        Assert.Equal(1, (await store.GetItemAsync(id, exclusive: false, s_none)).Data!.Items["Count"]);
    }

    [Fact]
    public async Task WaitForRelease_CompletesWhenTheLockIsReleased()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        var held = await store.GetItemAsync(id, exclusive: true, s_none);

        var wait = store.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), s_none).AsTask();
        Assert.False(wait.IsCompleted);
        await store.ReleaseItemExclusiveAsync(id, held.LockId!, s_none);

        await wait;
    }

    [Fact]
    public async Task WaitForRelease_CompletesAfterMaxWait()
    {
        using var store = NewStore();
        var id = await PutAsync(store);
        await store.GetItemAsync(id, exclusive: true, s_none);

        var wait = store.WaitForReleaseAsync(id, TimeSpan.FromSeconds(1), s_none).AsTask();
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await wait;
    }

    [Fact]
    public async Task StoredValues_RoundTripThroughTheLegacyFormat()
    {
        using var store = NewStore();
        var id = SessionId.Create();
        var data = new SessionStateData(20);
        data.Items["When"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        data.Items["Price"] = 1.50m;
        data.Items["Nothing"] = null;

        await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, s_none);
        var read = (await store.GetItemAsync(id, exclusive: false, s_none)).Data!;

        Assert.Equal(DateTimeKind.Unspecified, ((DateTime)read.Items["When"]!).Kind);
        Assert.Equal("1.50", ((decimal)read.Items["Price"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(read.Items.ContainsKey("Nothing"));
    }
}
