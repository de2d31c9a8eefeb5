using System.Diagnostics;
using System.Globalization;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis;
using SessionBridge.Redis.Bench;
using StackExchange.Redis;

// Store-level load harness: SessionBridge's Redis store against the commands ASP.NET Core's session issues over
// RedisCache, on one local redis-server. Usage: SessionBridge.Redis.Bench [--seconds N] [--connections N]
var seconds = 5;
var connections = 16;

for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--seconds")
    {
        seconds = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--connections")
    {
        connections = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }

}

using var server = new BenchRedisServer();
var configuration = server.Configuration;
var duration = TimeSpan.FromSeconds(seconds);
var storeOptions = new RedisSessionStoreOptions { Configuration = configuration };
await using var store = new RedisSessionStore(storeOptions);
await using var otherProcessStore = new RedisSessionStore(new RedisSessionStoreOptions { Configuration = configuration });
using var coreConnection = await ConnectionMultiplexer.ConnectAsync(configuration);
var core = new CoreSessionBaseline(coreConnection.GetDatabase());

Console.WriteLine($"# Redis store harness ({connections} concurrent workers, distinct sessions, {seconds} s per row, redis-server on loopback)");
Console.WriteLine();
Console.WriteLine("| Scenario | Round trips per request | Requests/s | p50 ms | p99 ms | Client CPU µs/request | Server CPU µs/request |");
Console.WriteLine("|---|---|---|---|---|---|---|");

// Exclusive request that changes the session: SessionBridge = lock+read, write+release.
var ids = Enumerable.Range(0, connections).Select(_ => SessionId.Create()).ToArray();
foreach (var id in ids)
{
    await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["counter"] = 0 }), null, true, default);
}

await Row(server, "SessionBridge, exclusive request writing the session", "2", duration, ids, async id =>
{
    var locked = await store.GetItemAsync(id, exclusive: true, default);
    locked.Data!.Items["counter"] = (int)locked.Data.Items["counter"]! + 1;
    await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, false, default);
});
await Row(server, "ASP.NET Core session over RedisCache, request writing the session", "3 (HMGET, EXPIRE, HSET+EXPIRE)", duration, ids, async id =>
{
    var counter = await core.LoadAsync("core:" + id);
    await core.CommitChangedAsync("core:" + id, counter + 1);
});
await Row(server, "SessionBridge, read-only request", "1", duration, ids, async id => await store.GetItemAsync(id, exclusive: false, default));
await Row(server, "ASP.NET Core session over RedisCache, request reading the session", "4 (HMGET, EXPIRE, HMGET, EXPIRE)", duration, ids, async id =>
{
    await core.LoadAsync("core:" + id);
    await core.RefreshAsync("core:" + id);
});

// Lost updates: 100 concurrent writers each increment one shared session once.
Console.WriteLine();
Console.WriteLine("| Lost updates, 100 concurrent writers, one session, 1 increment each | Final counter | Lost |");
Console.WriteLine("|---|---|---|");
var shared = SessionId.Create();
await store.SetAndReleaseItemExclusiveAsync(shared, new SessionStateData(20, new SessionStateItemCollection { ["counter"] = 0 }), null, true, default);
await Task.WhenAll(Enumerable.Range(0, 100).Select(async n =>
{
    var s = n % 2 == 0 ? store : otherProcessStore;
    while (true)
    {
        var result = await s.GetItemAsync(shared, exclusive: true, default);
        if (result.Status == SessionStoreStatus.Locked)
        {
            await s.WaitForReleaseAsync(shared, TimeSpan.FromMilliseconds(500), default);
            continue;
        }

        result.Data!.Items["counter"] = (int)result.Data.Items["counter"]! + 1;
        if (await s.SetAndReleaseItemExclusiveAsync(shared, result.Data, result.LockId, false, default))
        {
            return;
        }
    }
}));
var final = (int)(await store.GetItemAsync(shared, exclusive: false, default)).Data!.Items["counter"]!;
Console.WriteLine($"| SessionBridge (two store instances, locks + pub/sub wake-up) | {final} | {100 - final} |");
var coreShared = "core:" + SessionId.Create();
await core.CommitChangedAsync(coreShared, 0);
await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
{
    var counter = await core.LoadAsync(coreShared);
    await core.CommitChangedAsync(coreShared, counter + 1);
}));
var coreFinal = await core.LoadAsync(coreShared);
Console.WriteLine($"| ASP.NET Core session (no locks, last writer wins) | {coreFinal} | {100 - coreFinal} |");

// Hand-off: a holder on one connection releases; a waiter on another connection (as in another process) is woken by
// the release message and takes the lock. Measured from just before the release call to the waiter's lock.
Console.WriteLine();
var handOff = new List<double>();
for (var i = 0; i < 200; i++)
{
    var id = SessionId.Create();
    await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection()), null, true, default);
    var held = await store.GetItemAsync(id, exclusive: true, default);
    var released = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    var waiter = Task.Run(async () =>
    {
        while (true)
        {
            var attempt = await otherProcessStore.GetItemAsync(id, exclusive: true, default);
            if (attempt.Status == SessionStoreStatus.Found)
            {
                var end = Stopwatch.GetTimestamp();
                await otherProcessStore.ReleaseItemExclusiveAsync(id, attempt.LockId!, default);
                return end;
            }

            await otherProcessStore.WaitForReleaseAsync(id, TimeSpan.FromMilliseconds(500), default);
        }
    });
    await Task.Delay(5);
    var start = Stopwatch.GetTimestamp();
    await store.ReleaseItemExclusiveAsync(id, held.LockId!, default);
    var acquired = await waiter;
    handOff.Add(Stopwatch.GetElapsedTime(start, acquired).TotalMilliseconds);
}

handOff.Sort();
Console.WriteLine("| Cross-connection lock hand-off (200 hand-offs) | p50 ms | p99 ms |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| SessionBridge (release publishes, waiter wakes and locks) | {Percentile(handOff, 0.50):0.00} | {Percentile(handOff, 0.99):0.00} |");
Console.WriteLine("| System.Web's module (polls every 500 ms) | ~250 (expected) | ~500 (expected) |");
return 0;

static async Task Row(BenchRedisServer server, string name, string roundTrips, TimeSpan duration, string[] ids, Func<string, Task> request)
{
    // Warm up first (JIT tiering, script loading), so rows do not depend on their order.
    var warmEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
    await Task.WhenAll(ids.Select(async id =>
    {
        while (Stopwatch.GetTimestamp() < warmEnd)
        {
            await request(id);
        }
    }));

    var latencies = new List<double>[ids.Length];
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var serverCpu = server.CpuTime;
    var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
    await Task.WhenAll(ids.Select(async (id, worker) =>
    {
        var own = latencies[worker] = [];
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            await request(id);
        }

        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            await request(id);
            own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }));
    var clientUs = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMicroseconds;
    var serverUs = (server.CpuTime - serverCpu).TotalMicroseconds;
    var all = latencies.SelectMany(l => l).ToList();
    all.Sort();
    var measured = duration.TotalSeconds - 0.5;
    Console.WriteLine($"| {name} | {roundTrips} | {all.Count / measured:0} | {Percentile(all, 0.50):0.00} | {Percentile(all, 0.99):0.00} | {clientUs / all.Count:0.0} | {serverUs / all.Count:0.0} |");
}

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
