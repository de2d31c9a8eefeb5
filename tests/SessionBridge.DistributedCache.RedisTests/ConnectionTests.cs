using SessionBridge.DistributedCache.RedisTests.Infrastructure;
using SessionBridge.Legacy.Format;
using StackExchange.Redis;

namespace SessionBridge.DistributedCache.RedisTests;

/// <summary>Which connections the applications open, seen from redis-server (<c>CLIENT LIST</c>).</summary>
public sealed class ConnectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SharedConnection_RedisCacheAndTheLockProviderUseTheApplicationsMultiplexer_AndNoOther()
    {
        using var server = RedisServer.Start();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",name=admin");
        var shared = await ClientsPerAppAsync(server, admin, CacheSetup.SharedConnection);
        var separate = await ClientsPerAppAsync(server, admin, CacheSetup.ConfigurationString);
        output.WriteLine($"Redis connections per application: shared multiplexer {shared}, two configuration strings {separate}.");

        // One multiplexer (a command socket and a pub/sub socket at most) against two.
        Assert.InRange(shared, 1, 2);
        Assert.True(separate > shared, $"Configuration strings opened {separate} connections per application, a shared multiplexer {shared}.");
    }

    private static async Task<int> ClientsPerAppAsync(RedisServer server, ConnectionMultiplexer admin, CacheSetup setup)
    {
        await using var apps = new CacheApps(server);
        var a = await apps.StartAsync(setup, $"{setup}-a");
        var b = await apps.StartAsync(setup, $"{setup}-b");
        var id = SessionId.Create();

        // Cache and locks used on both, including a wait for a lock (the pub/sub subscription).
        Assert.Equal(1, await a.IncrementAsync(id));
        var gate = a.GateFor("hold");
        var held = a.SendAsync(HttpMethod.Post, "increment-held?gate=hold", id);
        await gate.Entered;
        var waiting = b.IncrementAsync(id);
        await Wait.UntilAsync(() => admin.GetDatabase().KeyExistsAsync(CacheApps.WaitingKey(id)), TimeSpan.FromSeconds(30), "B waiting for A's lock");
        gate.Open();
        (await held).Response.Dispose();
        Assert.Equal(3, await waiting);
        Assert.Equal("3", await a.ReadAsync(id));

        var clients = await admin.GetServer(server.Endpoint).ClientListAsync();
        var names = clients.Select(c => c.Name).ToList();
        Assert.All(names, name => Assert.Contains(name, new[] { "admin", $"{setup}-a", $"{setup}-b" }));
        var perA = names.Count(n => n == $"{setup}-a");
        var perB = names.Count(n => n == $"{setup}-b");
        Assert.Equal(perA, perB);
        return perA;
    }
}
