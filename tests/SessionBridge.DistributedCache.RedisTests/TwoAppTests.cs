using System.Globalization;
using System.Net;
using SessionBridge.DistributedCache.RedisTests.Infrastructure;
using SessionBridge.Legacy.Format;

namespace SessionBridge.DistributedCache.RedisTests;

/// <summary>
/// Two applications, each with Microsoft's RedisCache and the Redis lock provider, sharing sessions and locks through
/// one real redis-server, as two servers behind a load balancer.
/// </summary>
public sealed class TwoAppTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    public static TheoryData<CacheSetup> Setups => [CacheSetup.SharedConnection, CacheSetup.ConfigurationString];

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task SessionWrittenOnA_IsReadOnB_WithTheSameCookie(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();

        Assert.Equal(1, await a.IncrementAsync(id));
        Assert.Equal("1", await b.ReadAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));
        Assert.Equal("2", await a.ReadAsync(id));

        // RedisCache's own entry (a hash with the flag byte and the legacy blob in "data"), not another layout.
        Assert.True(await fixture.Database.HashExistsAsync(CacheApps.CacheKey(id), "data"));
        Assert.False(await fixture.Database.KeyExistsAsync(CacheApps.LockKey(id)));
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Setups))]
    public async Task LockHeldBySlowRequestOnA_MakesAWriteOnBWait_UntilAReleases(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();
        Assert.Equal(1, await a.IncrementAsync(id));

        var gate = a.GateFor("slow");
        var slow = a.SendAsync(HttpMethod.Post, "increment-held?gate=slow", id);
        await gate.Entered;
        Assert.True(await fixture.Database.KeyExistsAsync(CacheApps.LockKey(id)), "A's request holds the session's lock in Redis.");

        var write = b.IncrementAsync(id);
        // B found the lock taken (it flags that it waits) and keeps waiting while A holds it.
        await Wait.UntilAsync(() => fixture.Database.KeyExistsAsync(CacheApps.WaitingKey(id)), TimeSpan.FromSeconds(30),
            "B's write finding the lock taken by A");
        Assert.False(write.IsCompleted, "B's write completed while A held the session's lock.");

        gate.Open();
        var (status, body, response) = await slow;
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body);
        Assert.Equal(3, await write);
        Assert.Equal("3", await a.ReadAsync(id));
    }

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Setups))]
    public async Task ConcurrentIncrementsAcrossBothApps_LoseNoUpdate(CacheSetup setup)
    {
        const int Increments = 100;
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();
        Assert.Equal(1, await a.IncrementAsync(id));

        var counts = await Task.WhenAll(Enumerable.Range(0, Increments).Select(i => (i % 2 == 0 ? a : b).IncrementAsync(id)));

        // Each increment saw the one before it: the answers are exactly 2..101, and so is the stored count.
        Assert.Equal(Enumerable.Range(2, Increments), counts.Order());
        Assert.Equal((Increments + 1).ToString(CultureInfo.InvariantCulture), await b.ReadAsync(id));
        Assert.Equal((Increments + 1).ToString(CultureInfo.InvariantCulture), await a.ReadAsync(id));
        output.WriteLine($"{Increments} concurrent increments over two applications: answers 2..{Increments + 1}, none lost.");
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Setups))]
    public async Task ReadOnlyRequests_TakeNoLock_SoAWriteOnBRunsWhileAReadOnAIsInProgress(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();
        Assert.Equal(1, await a.IncrementAsync(id));

        var gate = a.GateFor("reader");
        var reading = a.SendAsync(HttpMethod.Get, "read-held?gate=reader", id);
        await gate.Entered;

        Assert.False(await fixture.Database.KeyExistsAsync(CacheApps.LockKey(id)), "A read-only request took the session's lock.");
        Assert.Equal("1", await b.ReadAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));
        Assert.False(reading.IsCompleted);

        gate.Open();
        var (status, body, response) = await reading;
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", body); // what it read before the write
        Assert.Equal("2", await a.ReadAsync(id));
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task AbandonOnA_IsSeenOnB(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();
        Assert.Equal(1, await a.IncrementAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));

        var (status, _, response) = await a.SendAsync(HttpMethod.Post, "abandon", id);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);

        Assert.False(await fixture.Database.KeyExistsAsync(CacheApps.CacheKey(id)), "The abandoned session is still in the cache.");
        Assert.Equal("none", await b.ReadAsync(id));
        Assert.Equal(1, await b.IncrementAsync(id));
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task EveryRequest_SlidesTheEntrysRedisExpiry_ToTheSessionTimeout(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a");
        var b = await apps.StartAsync(setup, "app-b");
        var id = SessionId.Create();
        var key = CacheApps.CacheKey(id);
        Assert.Equal(1, await a.IncrementAsync(id));
        AssertTtlNear(await fixture.Database.KeyTimeToLiveAsync(key), TimeSpan.FromMinutes(20));

        // As if 18 minutes had passed: two left. A read on B (no write) gives the session its full 20 minutes again.
        Assert.True(await fixture.Database.KeyExpireAsync(key, TimeSpan.FromMinutes(2)));
        Assert.Equal("1", await b.ReadAsync(id));
        AssertTtlNear(await fixture.Database.KeyTimeToLiveAsync(key), TimeSpan.FromMinutes(20));

        // And so does a write on A.
        Assert.True(await fixture.Database.KeyExpireAsync(key, TimeSpan.FromMinutes(2)));
        Assert.Equal(2, await a.IncrementAsync(id));
        AssertTtlNear(await fixture.Database.KeyTimeToLiveAsync(key), TimeSpan.FromMinutes(20));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Setups))]
    public async Task SessionTimeout_IsTheEntrysExpiry_AndAnExpiredSessionIsGoneOnBothApps(CacheSetup setup)
    {
        await using var apps = new CacheApps(fixture.Server);
        var a = await apps.StartAsync(setup, "app-a", o => o.Timeout = 1);
        var b = await apps.StartAsync(setup, "app-b", o => o.Timeout = 1);
        var id = SessionId.Create();
        var key = CacheApps.CacheKey(id);
        Assert.Equal(1, await a.IncrementAsync(id));
        AssertTtlNear(await fixture.Database.KeyTimeToLiveAsync(key), TimeSpan.FromMinutes(1));

        // Redis's own expiry, brought forward from the minute left to a few milliseconds, removes the entry.
        Assert.True(await fixture.Database.KeyExpireAsync(key, TimeSpan.FromMilliseconds(50)));
        await Wait.UntilAsync(async () => !await fixture.Database.KeyExistsAsync(key), TimeSpan.FromSeconds(30), "Redis expiring the session entry");

        Assert.Equal("none", await b.ReadAsync(id));
        Assert.Equal("none", await a.ReadAsync(id));
        Assert.Equal(1, await b.IncrementAsync(id));
    }

    private static void AssertTtlNear(TimeSpan? ttl, TimeSpan timeout)
    {
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, timeout - TimeSpan.FromSeconds(30), timeout);
    }
}
