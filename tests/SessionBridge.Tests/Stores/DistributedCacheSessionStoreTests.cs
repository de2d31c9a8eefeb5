using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.DistributedCache;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Stores;

public sealed class DistributedCacheSessionStoreTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryDistributedCache _cache = new(Options.Create(new MemoryDistributedCacheOptions()));

    private DistributedCacheSessionStore NewStore(IDistributedCache? cache = null) =>
        new(cache ?? _cache, new InProcessSessionLockProvider(_time), new DistributedCacheSessionStoreOptions { LockTimeout = TimeSpan.FromSeconds(110) }, timeProvider: _time);

    private static async Task<string> PutAsync(ILegacySessionStore store, int count = 1)
    {
        var id = SessionId.Create();
        var data = new SessionStateData(20);
        data.Items["Count"] = count;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, s_none));
        return id;
    }

    [Fact]
    public async Task Sessions_AreStoredAsTheLegacyBlob()
    {
        var store = NewStore();
        var id = await PutAsync(store, count: 3);

        var raw = await _cache.GetAsync("SessionBridge:" + id, TestContext.Current.CancellationToken);

        Assert.NotNull(raw);
        Assert.Equal(0, raw[0]);
        Assert.Equal(3, SessionStateSerializer.Deserialize(raw.AsMemory(1)).Items["Count"]);
    }

    [Fact]
    public async Task GetExclusive_WhenLockedByOther_ReportsLocked_AndSharedReadsToo()
    {
        var store = NewStore();
        var id = await PutAsync(store);
        var first = await store.GetItemAsync(id, exclusive: true, s_none);
        _time.Advance(TimeSpan.FromSeconds(3));

        var second = await store.GetItemAsync(id, exclusive: true, s_none);
        var shared = await store.GetItemAsync(id, exclusive: false, s_none);

        Assert.Equal(SessionStoreStatus.Found, first.Status);
        Assert.Equal(SessionStoreStatus.Locked, second.Status);
        Assert.Equal(first.LockId, second.LockId);
        Assert.Equal(TimeSpan.FromSeconds(3), second.LockAge);
        Assert.Equal(SessionStoreStatus.Locked, shared.Status);
    }

    [Fact]
    public async Task GetExclusive_OfMissingSession_ReportsNotFound_AndLeavesNoLock()
    {
        var store = NewStore();
        var id = SessionId.Create();

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: true, s_none)).Status);
        await PutAsync(store);

        await store.CreateUninitializedItemAsync(id, 20, s_none);
        var created = await store.GetItemAsync(id, exclusive: true, s_none);
        Assert.Equal(SessionStoreStatus.Found, created.Status);
        Assert.Equal(SessionStateActions.InitializeItem, created.Actions);
    }

    [Fact]
    public async Task SetAndRelease_AfterTheLockExpired_AndWasRetaken_WritesNothing()
    {
        var store = NewStore();
        var id = await PutAsync(store, count: 1);
        var stale = await store.GetItemAsync(id, exclusive: true, s_none);
        _time.Advance(TimeSpan.FromSeconds(111));
        var fresh = await store.GetItemAsync(id, exclusive: true, s_none);
        stale.Data!.Items["Count"] = 100;

        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, stale.Data, stale.LockId, newItem: false, s_none));
        Assert.Equal(SessionStoreStatus.Found, fresh.Status);
        await store.ReleaseItemExclusiveAsync(id, fresh.LockId!, s_none);
        Assert.Equal(1, (await store.GetItemAsync(id, exclusive: false, s_none)).Data!.Items["Count"]);
    }

    [Fact]
    public async Task Remove_WithTheLock_RemovesTheSession()
    {
        var store = NewStore();
        var id = await PutAsync(store);
        var held = await store.GetItemAsync(id, exclusive: true, s_none);

        await store.RemoveItemAsync(id, held.LockId!, s_none);

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: false, s_none)).Status);
    }

    [Fact]
    public async Task FailingCache_SurfacesAsStoreUnavailable()
    {
        var store = NewStore(new BrokenCache());

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(SessionId.Create(), exclusive: false, s_none));
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.SetAndReleaseItemExclusiveAsync(SessionId.Create(), new SessionStateData(20), null, newItem: true, s_none));
    }

    [Fact]
    public async Task FailingCache_OnExclusiveRead_LeavesNoLockBehind()
    {
        var locks = new InProcessSessionLockProvider(_time);
        var store = new DistributedCacheSessionStore(new BrokenCache(), locks, timeProvider: _time);
        var id = SessionId.Create();

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(id, exclusive: true, s_none));

        Assert.False((await locks.GetHolderAsync(id, s_none)).IsHeldByOther);
    }

    [Fact]
    public async Task Pipeline_OverDistributedMemoryCache_LosesNoUpdate()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o =>
        {
            o.RequestQueueLimit = 200;
            o.Store = "DistributedCache";
        }, configureServices: services => services.AddDistributedMemoryCache(), configureSessions: b => b.AddDistributedCacheStore());
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => app.PostAsync("/inc", id)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.IsType<DistributedCacheSessionStore>(app.Store);
        Assert.Equal("101", await (await app.GetAsync("/count", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(101, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    private sealed class BrokenCache : IDistributedCache
    {
        public byte[]? Get(string key) => throw new IOException("down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromException<byte[]?>(new IOException("down"));

        public void Refresh(string key) => throw new IOException("down");

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.FromException(new IOException("down"));

        public void Remove(string key) => throw new IOException("down");

        public Task RemoveAsync(string key, CancellationToken token = default) => Task.FromException(new IOException("down"));

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new IOException("down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Task.FromException(new IOException("down"));
    }
}
