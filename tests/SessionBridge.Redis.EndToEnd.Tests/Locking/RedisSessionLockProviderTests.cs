using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.DistributedCache;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Redis.EndToEnd.Tests.Locking;

public sealed class RedisSessionLockProviderTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedisSessionLockProvider Create() => new(fixture.Connection, "test:lock:");

    [Fact]
    public async Task TryAcquire_WhenFree_GrantsALockWithTheTimeToLive()
    {
        var locks = Create();
        var id = SessionId.Create();

        var result = await locks.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);

        Assert.True(result.Acquired);
        var ttl = await fixture.Database.KeyTimeToLiveAsync($"test:lock:{{{id}}}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal(result.LockId, (string?)await fixture.Database.StringGetAsync($"test:lock:{{{id}}}"));
    }

    [Fact]
    public async Task TryAcquire_WhenHeld_ReportsTheHolder()
    {
        var first = Create();
        var second = Create();
        var id = SessionId.Create();
        var held = await first.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);

        var attempt = await second.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);
        var holder = await second.GetHolderAsync(id, Ct);

        Assert.False(attempt.Acquired);
        Assert.True(attempt.IsHeldByOther);
        Assert.Equal(held.LockId, attempt.LockId);
        Assert.Equal(held.LockId, holder.LockId);
        Assert.InRange(attempt.LockAge, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Release_ByAnotherLockId_KeepsTheLock_AndByTheOwner_FreesIt()
    {
        var locks = Create();
        var id = SessionId.Create();
        var held = await locks.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);

        var byOther = await locks.ReleaseAsync(id, "1:not-the-owner", Ct);
        Assert.False(byOther);
        Assert.True(await locks.IsHeldByAsync(id, held.LockId!, Ct));

        var byOwner = await locks.ReleaseAsync(id, held.LockId!, Ct);
        Assert.True(byOwner);
        Assert.False(await locks.IsHeldByAsync(id, held.LockId!, Ct));
        Assert.False((await locks.GetHolderAsync(id, Ct)).IsHeldByOther);
    }

    [Fact]
    public async Task Release_AfterTheLockExpiredAndWasRetaken_DoesNotFreeTheNewOwner()
    {
        var locks = Create();
        var id = SessionId.Create();
        var old = await locks.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);
        await fixture.Database.KeyDeleteAsync($"test:lock:{{{id}}}"); // the TTL ran out
        var current = await locks.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);

        Assert.False(await locks.ReleaseAsync(id, old.LockId!, Ct));
        Assert.True(await locks.IsHeldByAsync(id, current.LockId!, Ct));
    }

    [Fact]
    public async Task ForeignLockValue_ReadsAsAncient_SoWaitersStealIt()
    {
        var locks = Create();
        var id = SessionId.Create();
        await fixture.Database.StringSetAsync($"test:lock:{{{id}}}", "garbage");

        var holder = await locks.GetHolderAsync(id, Ct);

        Assert.Equal("garbage", holder.LockId);
        Assert.Equal(TimeSpan.MaxValue, holder.LockAge);
    }

    [Fact]
    public async Task AcquireAndRelease_AreOneScriptCallEach()
    {
        var locks = Create();
        var warm = SessionId.Create();
        var warmLock = await locks.TryAcquireAsync(warm, TimeSpan.FromSeconds(30), Ct);
        await locks.ReleaseAsync(warm, warmLock.LockId!, Ct);
        var id = SessionId.Create();

        var before = await ScriptCallsAsync();
        var held = await locks.TryAcquireAsync(id, TimeSpan.FromSeconds(30), Ct);
        var afterAcquire = await ScriptCallsAsync();
        await locks.ReleaseAsync(id, held.LockId!, Ct);
        var afterRelease = await ScriptCallsAsync();

        Assert.Equal(1, afterAcquire - before);
        // The release's PUBLISH runs inside its script: still one round trip.
        Assert.Equal(1, afterRelease - afterAcquire);
    }

    [Fact]
    public async Task Release_PublishesOnlyWhenAnAttemptFoundTheLockTaken()
    {
        var locks = Create();
        var uncontended = SessionId.Create();
        var contended = SessionId.Create();
        var warm = await locks.TryAcquireAsync(uncontended, TimeSpan.FromSeconds(30), Ct);
        await locks.ReleaseAsync(uncontended, warm.LockId!, Ct); // warm both scripts

        var before = await PublishCallsAsync();
        var alone = await locks.TryAcquireAsync(uncontended, TimeSpan.FromSeconds(30), Ct);
        Assert.True(await locks.ReleaseAsync(uncontended, alone.LockId!, Ct));
        var afterUncontended = await PublishCallsAsync();

        var held = await locks.TryAcquireAsync(contended, TimeSpan.FromSeconds(30), Ct);
        Assert.True((await locks.TryAcquireAsync(contended, TimeSpan.FromSeconds(30), Ct)).IsHeldByOther);
        Assert.True(await locks.ReleaseAsync(contended, held.LockId!, Ct));
        var afterContended = await PublishCallsAsync();

        Assert.Equal(0, afterUncontended - before);
        Assert.Equal(1, afterContended - afterUncontended);
        Assert.False(await fixture.Database.KeyExistsAsync("test:lock:{" + contended + "}:Waiting"));
    }

    [Fact]
    public async Task DistributedCacheStore_WithRedisLocks_LockedBySecondStore_ReportsLocked()
    {
        // Two stores (two "processes") over one cache, each with its own lock provider on the same Redis.
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var a = new DistributedCacheSessionStore(cache, Create(), defaultLockTimeout: TimeSpan.FromSeconds(30));
        var b = new DistributedCacheSessionStore(cache, Create(), defaultLockTimeout: TimeSpan.FromSeconds(30));
        var id = SessionId.Create();
        await a.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["n"] = 1 }), null, newItem: true, Ct);

        var first = await a.GetItemAsync(id, exclusive: true, Ct);
        var second = await b.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, first.Status);
        Assert.Equal(SessionStoreStatus.Locked, second.Status);

        Assert.True(await a.SetAndReleaseItemExclusiveAsync(id, first.Data!, first.LockId, newItem: false, Ct));
        var third = await b.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, third.Status);
        await b.ReleaseItemExclusiveAsync(id, third.LockId!, Ct);
    }

    [Fact(Timeout = 60_000)]
    public async Task Release_WakesAWaiterOnAnotherConnection()
    {
        // A wait that is never woken would last 10 minutes, so the test timeout catches a missing notification.
        using var otherConnection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration);
        var holder = Create();
        var waiterSide = new RedisSessionLockProvider(otherConnection, "test:lock:");
        var id = SessionId.Create();
        var held = await holder.TryAcquireAsync(id, TimeSpan.FromSeconds(60), Ct);
        Assert.True((await waiterSide.TryAcquireAsync(id, TimeSpan.FromSeconds(60), Ct)).IsHeldByOther);

        var waiting = waiterSide.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), Ct).AsTask();
        await Wait.UntilAsync(async () => await fixture.Admin.SubscriptionSubscriberCountAsync(
            new StackExchange.Redis.RedisChannel("test:lock:Released", StackExchange.Redis.RedisChannel.PatternMode.Literal)) > 0,
            TimeSpan.FromSeconds(30), "the waiting provider subscribing to the release channel");
        Assert.False(waiting.IsCompleted);

        Assert.True(await holder.ReleaseAsync(id, held.LockId!, Ct));
        await waiting;

        Assert.True((await waiterSide.TryAcquireAsync(id, TimeSpan.FromSeconds(60), Ct)).Acquired);
    }

    [Fact]
    public void AddRedisLockProvider_ReplacesTheInProcessProvider_InEitherOrder()
    {
        var before = new ServiceCollection();
        before.AddLegacySession().AddDistributedCacheStore().AddRedisLockProvider(fixture.Server.Endpoint);
        var after = new ServiceCollection();
        after.AddLegacySession().AddRedisLockProvider(fixture.Server.Endpoint).AddDistributedCacheStore();

        foreach (var services in new[] { before, after })
        {
            using var provider = services.BuildServiceProvider();
            Assert.IsType<RedisSessionLockProvider>(provider.GetRequiredService<ISessionLockProvider>());
        }
    }

    private async Task<long> PublishCallsAsync() => (await fixture.CommandStatsAsync()).GetValueOrDefault("publish");

    private async Task<long> ScriptCallsAsync()
    {
        var stats = await fixture.CommandStatsAsync();
        return stats.Where(s => s.Key.StartsWith("eval", StringComparison.OrdinalIgnoreCase) || s.Key.StartsWith("script", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Value);
    }
}
