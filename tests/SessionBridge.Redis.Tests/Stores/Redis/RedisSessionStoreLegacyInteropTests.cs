using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>The store against a double of the legacy provider on the same Redis: same sessions, same locks.</summary>
public sealed class RedisSessionStoreLegacyInteropTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LegacyRedisProviderDouble Legacy(string app = "/") => new(fixture.Connection, app);

    [Fact]
    public async Task WhatLegacyWrites_WeRead()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["UserName"] = "alice", ["Visits"] = 7 }, null, newItem: true, timeoutMinutes: 25);

        var result = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, result.Status);
        Assert.Equal("alice", result.Data!.Items["UserName"]);
        Assert.Equal(7, result.Data.Items["Visits"]);
        Assert.Equal(25, result.Data.Timeout);
    }

    [Fact]
    public async Task WhatWeWrite_LegacyReads()
    {
        var legacy = Legacy("/Shop");
        await using var store = Create(fixture, o => o.ApplicationName = "/Shop");
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["a"] = "b" }), null, newItem: true, Ct);
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        locked.Data!.Items["Cart"] = 3;
        locked.Data.Timeout = 45;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Ct));

        var read = await legacy.GetItemExclusiveAsync(id);

        Assert.True(read.Found);
        Assert.Equal("b", read.Items!["a"]);
        Assert.Equal(3, read.Items["Cart"]);
        Assert.Equal(45 * 60, read.TimeoutSeconds);
    }

    [Fact]
    public async Task LegacyLock_BlocksOurExclusiveAndSharedReads_UntilLegacyReleases()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["n"] = 1 }, null, newItem: true);
        var legacyLock = await legacy.GetItemExclusiveAsync(id);
        Assert.True(legacyLock.Found);

        var exclusive = await store.GetItemAsync(id, exclusive: true, Ct);
        var shared = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStoreStatus.Locked, exclusive.Status);
        Assert.Equal(legacyLock.LockId, exclusive.LockId);
        Assert.True(exclusive.LockAge < TimeSpan.FromMinutes(1), "a fresh legacy lock must not look old (lock values are local ticks)");
        Assert.Equal(SessionStoreStatus.Locked, shared.Status);

        legacyLock.Items!["n"] = 2;
        await legacy.SetAndReleaseItemExclusiveAsync(id, legacyLock.Items, legacyLock.LockId, newItem: false);

        var after = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, after.Status);
        Assert.Equal(2, after.Data!.Items["n"]);
    }

    [Fact]
    public async Task OurLock_BlocksLegacy_AndLegacySeesAFreshLockAge()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["n"] = 1 }), null, newItem: true, Ct);
        var ours = await store.GetItemAsync(id, exclusive: true, Ct);

        var legacyExclusive = await legacy.GetItemExclusiveAsync(id);
        var legacyShared = await legacy.GetItemAsync(id);

        Assert.True(legacyExclusive.IsLocked);
        Assert.Equal(ours.LockId, legacyExclusive.LockId);
        Assert.True(legacyExclusive.LockAge < TimeSpan.FromMinutes(1), "the legacy module would steal a lock that looks older than executionTimeout");
        Assert.True(legacyShared.IsLocked);

        ours.Data!.Items["n"] = 2;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, ours.Data, ours.LockId, newItem: false, Ct));
        var legacyAfter = await legacy.GetItemExclusiveAsync(id);
        Assert.True(legacyAfter.Found);
        Assert.Equal(2, legacyAfter.Items!["n"]);
    }

    [Fact]
    public async Task LegacyLockFreeWriter_DeletesOurLock_AndOurWriteIsThenDropped()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["n"] = 1 }), null, newItem: true, Ct);
        var ours = await store.GetItemAsync(id, exclusive: true, Ct);

        // aspnet:AllowConcurrentRequestsPerSession=true: the legacy module writes with no lock id.
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["n"] = 10 }, lockId: null, newItem: false);
        Assert.False(await fixture.Database.KeyExistsAsync(Key(id, "WriteLock")));

        ours.Data!.Items["n"] = 2;
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, ours.Data, ours.LockId, newItem: false, Ct));
        Assert.Equal(10, (await store.GetItemAsync(id, exclusive: false, Ct)).Data!.Items["n"]);
    }

    [Fact]
    public async Task LegacyUninitializedItem_ReadsAsInitializeItem_AndOursReadsBackInLegacy()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var fromLegacy = SessionId.Create();
        await legacy.CreateUninitializedItemAsync(fromLegacy);
        var ours = await store.GetItemAsync(fromLegacy, exclusive: false, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, ours.Actions);
        Assert.Equal(0, ours.Data!.Items.Count);

        var fromUs = SessionId.Create();
        await store.CreateUninitializedItemAsync(fromUs, 20, Ct);
        var theirs = await legacy.GetItemExclusiveAsync(fromUs);
        Assert.True(theirs.Found);
        Assert.True(theirs.InitializeItem);
        Assert.Equal(0, theirs.Items!.Count);
    }

    [Fact]
    public async Task LegacyStealsAnAncientLock_ThroughRelease_AndWeCanThenLock()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["n"] = 1 }, null, newItem: true);
        var ours = await store.GetItemAsync(id, exclusive: true, Ct);

        // The legacy module's force-release after lockAge >= executionTimeout uses the foreign lock id.
        var seen = await legacy.GetItemExclusiveAsync(id);
        await legacy.ReleaseItemExclusiveAsync(id, seen.LockId!);

        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, ours.Data!, ours.LockId, newItem: false, Ct));
        Assert.Equal(SessionStoreStatus.Found, (await store.GetItemAsync(id, exclusive: true, Ct)).Status);
    }

    [Fact]
    public async Task LegacyAbandon_RemovesTheSessionForUs_AndLegacyResetTimeoutSlidesIt()
    {
        var legacy = Legacy();
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["n"] = 1 }, null, newItem: true);
        await fixture.Database.KeyExpireAsync(Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));
        await legacy.ResetItemTimeoutAsync(id);
        Assert.True((await fixture.Database.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds > 1000);

        var locked = await legacy.GetItemExclusiveAsync(id);
        await legacy.RemoveItemAsync(id, locked.LockId);
        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: true, Ct)).Status);
    }
}
