using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>The store on a real 3-master Redis Cluster: every script's keys share one hash slot, so no CROSSSLOT.</summary>
public sealed class RedisSessionStoreClusterTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SessionBridge.Redis.RedisKeyLayout.V5)]
    [InlineData(SessionBridge.Redis.RedisKeyLayout.V2To4)]
    public async Task EveryOperation_WorksOnSessionsSpreadOverAllMasters(SessionBridge.Redis.RedisKeyLayout layout)
    {
        await using var store = StoreFactory.Create(cluster.Configuration, o => o.KeyLayout = layout);
        using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var mastersUsed = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            var id = SessionId.Create();
            Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: true, Ct)).Status);
            await store.CreateUninitializedItemAsync(id, 20, Ct);
            var locked = await store.GetItemAsync(id, exclusive: true, Ct);
            Assert.Equal(SessionStateActions.InitializeItem, locked.Actions);
            Assert.Equal(SessionStoreStatus.Locked, (await store.GetItemAsync(id, exclusive: false, Ct)).Status);
            locked.Data!.Items["n"] = i;
            Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Ct));
            Assert.Equal(i, (await store.GetItemAsync(id, exclusive: false, Ct)).Data!.Items["n"]);
            await store.ResetItemTimeoutAsync(id, Ct);
            var again = await store.GetItemAsync(id, exclusive: true, Ct);
            await store.ReleaseItemExclusiveAsync(id, again.LockId!, Ct);
            var last = await store.GetItemAsync(id, exclusive: true, Ct);
            await store.RemoveItemAsync(id, last.LockId!, Ct);
            Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: false, Ct)).Status);

            var key = (RedisKey)("{/_" + id + "}_x");
            mastersUsed.Add(admin.GetDatabase().IdentifyEndpoint(key)!.ToString()!);
        }

        Assert.Equal(3, mastersUsed.Count);
    }

    [Fact]
    public async Task LegacyDouble_AndStore_ShareSessionsOnTheCluster()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var legacy = new LegacyRedisProviderDouble(connection);
        await using var store = StoreFactory.Create(cluster.Configuration);
        for (var i = 0; i < 10; i++)
        {
            var id = SessionId.Create();
            await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["n"] = i }, null, newItem: true);
            var ours = await store.GetItemAsync(id, exclusive: true, Ct);
            Assert.True((await legacy.GetItemExclusiveAsync(id)).IsLocked);
            ours.Data!.Items["n"] = i + 100;
            Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, ours.Data, ours.LockId, newItem: false, Ct));
            Assert.Equal(i + 100, (await legacy.GetItemAsync(id)).Items!["n"]);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task LockReleaseNotification_CrossesTheCluster()
    {
        await using var holder = StoreFactory.Create(cluster.Configuration);
        await using var waiter = StoreFactory.Create(cluster.Configuration);
        for (var i = 0; i < 5; i++)
        {
            var id = SessionId.Create();
            await holder.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection()), null, newItem: true, Ct);
            var locked = await holder.GetItemAsync(id, exclusive: true, Ct);
            await NotificationTests.WaitUntilSubscribedAsync(waiter, cluster.Configuration);

            Assert.Equal(SessionStoreStatus.Locked, (await waiter.GetItemAsync(id, exclusive: true, Ct)).Status);
            var wait = waiter.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), Ct).AsTask();
            await holder.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct);

            await wait.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }
    }
}
