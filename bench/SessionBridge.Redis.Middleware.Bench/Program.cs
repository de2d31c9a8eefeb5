using System.Diagnostics;
using System.Globalization;
using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.Bench;
using SessionBridge.Redis.Middleware.Bench;
using StackExchange.Redis;

// HTTP load harness: two SessionBridge processes on the Redis store and two ASP.NET Core AddSession processes
// over Microsoft's RedisCache (AddStackExchangeRedisCache), all on one local redis-server.
// Usage: SessionBridge.Redis.Middleware.Bench [--seconds N] [--connections N] [--handoffs N] [--handoff-warmup N] [--redis-latency-ms MS]
// (internally also: --bridge-host --port P --redis CONF --app NAME, SessionBridge's app; --core-host --port P --redis
// CONF --keys DIR, the baseline app; --proxy-only REDIS_PORT MS, the
// latency proxy alone, to check it with redis-cli).
if (args.Length > 0 && args[0] == "--core-host")
{
    await CoreSessionHost.RunAsync(int.Parse(Arg("--port"), CultureInfo.InvariantCulture), Arg("--redis"), Arg("--keys"));
    return;
}

if (args.Length > 0 && args[0] == "--bridge-host")
{
    await BridgeSessionHost.RunAsync(int.Parse(Arg("--port"), CultureInfo.InvariantCulture), Arg("--redis"), Arg("--app"));
    return;
}

if (args.Length > 0 && args[0] == "--proxy-only")
{
    using var only = new LatencyProxy(int.Parse(args[1], CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(double.Parse(args[2], CultureInfo.InvariantCulture)));
    Console.WriteLine(only.Port);
    await Task.Delay(Timeout.Infinite);
}

var seconds = int.Parse(Arg("--seconds", "3"), CultureInfo.InvariantCulture);
var connections = int.Parse(Arg("--connections", "16"), CultureInfo.InvariantCulture);
var handoffs = int.Parse(Arg("--handoffs", "100"), CultureInfo.InvariantCulture);
// Unmeasured hand-offs first: the waiting path runs only during hand-offs, and the runtime recompiles a method after
// its 30th and 60th calls (tier 0, instrumented, optimized); with 5 warm-ups those recompilations fell inside the
// measured hand-offs and were their slowest samples.
var warmupHandoffs = int.Parse(Arg("--handoff-warmup", "100"), CultureInfo.InvariantCulture);
var latencyMs = double.Parse(Arg("--redis-latency-ms", "0"), CultureInfo.InvariantCulture);
const string App = "/bench";

using var redis = new BenchRedisServer();
using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
using var proxy = latencyMs > 0 ? new LatencyProxy(redis.Port, TimeSpan.FromMilliseconds(latencyMs)) : null;
var appRedis = proxy is null ? redis.Configuration : $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}";
var keys = Directory.CreateTempSubdirectory("sessionbridge-bench-keys-");
var hosts = new List<HostProcess>();
try
{
    hosts.Add(await HostProcess.StartBridgeAsync("SessionBridge A", appRedis, App));
    hosts.Add(await HostProcess.StartBridgeAsync("SessionBridge B", appRedis, App));
    hosts.Add(await HostProcess.StartCoreAsync("Core session A", appRedis, keys.FullName));
    using (var first = Client(hosts[2]))
    {
        // Create the shared data-protection key before the second Core process starts.
        using var response = await first.PostAsync("counter/increment", null);
        response.EnsureSuccessStatusCode();
    }

    hosts.Add(await HostProcess.StartCoreAsync("Core session B", appRedis, keys.FullName));
    HostProcess[] bridge = [hosts[0], hosts[1]];
    HostProcess[] core = [hosts[2], hosts[3]];

    Console.WriteLine($"# SessionBridge on Redis vs ASP.NET Core session over Microsoft's RedisCache, over HTTP");
    Console.WriteLine();
    var network = latencyMs > 0 ? $"reached through a proxy adding {latencyMs} ms each way" : "on loopback, no added latency";
    Console.WriteLine($"Two processes per side on one redis-server ({network}); {connections} workers with distinct sessions, each with one request in flight, pinned to one process or alternating between both (see the Connections column); {seconds} s per row after 1 s of warm-up, after one unmeasured warm-up pass over every row.");
    Console.WriteLine();
    Console.WriteLine("| Scenario | Connections | Requests/s | p50 ms | p99 ms | errors | CPU µs/request: apps | Redis | load client |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    var scenarios = new (string Name, HostProcess[] Hosts, bool Bridge, HttpMethod Method, string Path)[]
    {
        ("SessionBridge, POST /counter/increment (exclusive, writes)", bridge, true, HttpMethod.Post, "counter/increment"),
        ("ASP.NET Core session, POST /counter/increment (writes)", core, false, HttpMethod.Post, "counter/increment"),
        ("SessionBridge, GET /counter (read-only)", bridge, true, HttpMethod.Get, "counter"),
        ("ASP.NET Core session, GET /counter (reads)", core, false, HttpMethod.Get, "counter"),
    };

    // Two ways of spreading the load, each measured: "pinned", 16 HTTP connections (8 per process), each with its own
    // session and only one request in flight, so a connection waits until the server has finished the request — for
    // the Core session that includes its commit, which runs after the response was written; "alternating", each of
    // 16 clients sends its requests alternately to the two processes over one connection to each (32 connections),
    // so the Core session's commit overlaps the client's next request to the other process.
    var rows = new[] { true, false }.SelectMany(pinned => scenarios.Select(s => (s.Name, s.Hosts, s.Bridge, s.Method, s.Path, Pinned: pinned))).ToArray();
    var throughput = rows.ToDictionary(r => (r.Name, r.Pinned), _ => new List<double>());
    foreach (var row in rows)
    {
        await LoadAsync(row.Hosts, row.Bridge, row.Method, row.Path, row.Pinned, warmUpOnly: true);
    }

    if (args.Contains("--rows"))
    {
        Console.WriteLine($"(measuring from {DateTime.UtcNow:HH:mm:ss} UTC; process ids: {string.Join(", ", hosts.Select(h => $"{h.Name} {h.ProcessId}"))})");
    }

    // Two rounds in rotated order (each row's side warmed by the other rows), so neither side always runs first.
    // --rows 0,0,0 measures only the rows given (0-3 pinned: SessionBridge writes, Core writes, SessionBridge reads,
    // Core reads; 4-7 the same alternating), e.g. to profile one side with perf.
    var order = args.Contains("--rows")
        ? Arg("--rows").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray()
        : [0, 1, 2, 3, 1, 0, 3, 2, 4, 5, 6, 7, 5, 4, 7, 6];
    foreach (var index in order)
    {
        var row = rows[index];
        var result = await LoadAsync(row.Hosts, row.Bridge, row.Method, row.Path, row.Pinned);
        throughput[(row.Name, row.Pinned)].Add(result.Rps);
        var spread = row.Pinned ? $"pinned, {connections}" : $"alternating, {connections} × 2";
        Console.WriteLine($"| {row.Name} | {spread} | {result.Rps:0} | {result.P50:0.00} | {result.P99:0.00} | {result.Errors} | {result.AppCpu:0} | {result.RedisCpu:0} | {result.ClientCpu:0} |");
    }

    if (args.Contains("--rows"))
    {
        return;
    }

    Console.WriteLine();
    foreach (var pinned in new[] { true, false })
    {
        double Mean(int scenario) => throughput[(scenarios[scenario].Name, pinned)].Average();
        Console.WriteLine($"Ratio SessionBridge / Core session, {(pinned ? "pinned" : "alternating")} (mean of both rounds): writes {Mean(0) / Mean(1):0.00}×, reads {Mean(2) / Mean(3):0.00}×.");
    }

    Console.WriteLine();
    Console.WriteLine("| Lost updates: 100 concurrent POST /counter/increment on one session, split over both processes | Final count | Lost | non-200 |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var (name, side, isBridge) in new[] { ("SessionBridge", bridge, true), ("ASP.NET Core session", core, false) })
    {
        var (final, errors) = await LostUpdatesAsync(side, isBridge);
        Console.WriteLine($"| {name} | {final} | {100 - final} | {errors} |");
    }

    Console.WriteLine();
    var (p50, p99, serverP50, serverP99, waited) = await HandoffAsync(bridge);
    Console.WriteLine($"| Cross-process lock hand-off ({handoffs} hand-offs after {warmupHandoffs} unmeasured; A holds the lock 50 ms, B's writer waits) | p50 ms | p99 ms |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| SessionBridge, in Redis: A's release (DEL of the lock) to B's acquisition (SET of the lock), from keyspace notifications | {serverP50:0.00} | {serverP99:0.00} |");
    Console.WriteLine($"| SessionBridge, at the client: B's response after A's response | {p50:0.00} | {p99:0.00} |");
    Console.WriteLine($"| ASP.NET Core session | no locks | no locks |");
    Console.WriteLine();
    Console.WriteLine($"({waited} of {handoffs} waiting requests were seen waiting in Redis before A released.)");
}
finally
{
    foreach (var host in hosts)
    {
        host.Dispose();
    }

    keys.Delete(recursive: true);
}

async Task<(double Rps, double P50, double P99, int Errors, double AppCpu, double RedisCpu, double ClientCpu)> LoadAsync(HostProcess[] side, bool isBridge, HttpMethod method, string path, bool pinned, bool warmUpOnly = false)
{
    // Each worker has its own connection to each process it talks to: pinned, one process (w % 2); alternating, both.
    var clients = Enumerable.Range(0, connections)
        .Select(w => pinned ? new[] { Client(side[w % side.Length], maxConnections: 1) } : side.Select(h => Client(h, maxConnections: 1)).ToArray())
        .ToArray();
    var cookies = new string[connections];
    for (var i = 0; i < connections; i++)
    {
        cookies[i] = await NewSessionAsync(clients[i][0], isBridge);
    }

    var latencies = new List<double>[connections];
    var errors = 0;
    var measuring = false;
    using var stop = new CancellationTokenSource();
    var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
    {
        latencies[w] = new List<double>(100_000);
        var mine = clients[w];
        var turn = w;
        while (!stop.IsCancellationRequested)
        {
            var client = mine[turn++ % mine.Length];
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookies[w]);
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!Volatile.Read(ref measuring))
            {
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref errors);
            }

            latencies[w].Add(elapsed);
        }
    })).ToArray();
    await Task.Delay(1000);
    var self = Process.GetCurrentProcess();
    var appCpu = side.Aggregate(TimeSpan.Zero, (sum, h) => sum + h.CpuTime);
    var redisCpu = redis.CpuTime;
    var clientCpu = self.TotalProcessorTime;
    Volatile.Write(ref measuring, !warmUpOnly);
    var measured = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(warmUpOnly ? 1 : seconds));
    Volatile.Write(ref measuring, false);
    measured.Stop();
    self.Refresh();
    appCpu = side.Aggregate(TimeSpan.Zero, (sum, h) => sum + h.CpuTime) - appCpu;
    redisCpu = redis.CpuTime - redisCpu;
    clientCpu = self.TotalProcessorTime - clientCpu;
    stop.Cancel();
    await Task.WhenAll(workers);
    foreach (var client in clients.SelectMany(c => c))
    {
        client.Dispose();
    }

    var all = latencies.SelectMany(l => l).Order().ToArray();
    var perRequest = (TimeSpan cpu) => all.Length == 0 ? double.NaN : cpu.TotalMicroseconds / all.Length;
    return (all.Length / measured.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), errors, perRequest(appCpu), perRequest(redisCpu), perRequest(clientCpu));
}

async Task<(int Final, int Errors)> LostUpdatesAsync(HostProcess[] side, bool isBridge)
{
    var clients = side.Select(h => Client(h)).ToArray();
    // A Core session exists only once a request wrote it, so it starts at 1: count from the stored value.
    var cookie = await NewSessionAsync(clients[0], isBridge, write: !isBridge);
    var baseline = int.Parse(await GetAsync(clients[0], cookie, "counter"), CultureInfo.InvariantCulture);
    var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "counter/increment");
        request.Headers.Add("Cookie", cookie);
        using var response = await clients[i % clients.Length].SendAsync(request);
        return response.StatusCode;
    }));
    var final = int.Parse(await GetAsync(clients[1], cookie, "counter"), CultureInfo.InvariantCulture) - baseline;
    foreach (var client in clients)
    {
        client.Dispose();
    }

    return (final, results.Count(s => s != HttpStatusCode.OK));
}

async Task<(double P50, double P99, double ServerP50, double ServerP99, int Waited)> HandoffAsync(HostProcess[] side)
{
    using var a = Client(side[0]);
    using var b = Client(side[1]);
    var id = SessionId.Create();
    var cookie = $"ASP.NET_SessionId={id}";
    var db = admin.GetDatabase();
    RedisKey lockKey = $"{{{App}_{id}}}_WriteLock";
    RedisKey waitingKey = $"{{{App}_{id}}}_SessionBridgeWaiting";

    // Keyspace notifications of the lock key, time-stamped as they arrive on one connection: the gap between A's DEL
    // (release) and B's SET (acquisition) is the hand-off as Redis saw it.
    await admin.GetServer(redis.Configuration).ConfigSetAsync("notify-keyspace-events", "K$g");
    var events = new List<(string Event, long At)>();
    var subscriber = admin.GetSubscriber();
    var channel = new RedisChannel($"__keyspace@0__:{lockKey}", RedisChannel.PatternMode.Literal);
    await subscriber.SubscribeAsync(channel, (_, message) =>
    {
        var at = Stopwatch.GetTimestamp();
        lock (events)
        {
            events.Add(((string)message!, at));
        }
    });

    await GetAsync(a, cookie, "counter/increment", HttpMethod.Post);
    var samples = new List<double>(handoffs);
    var serverSamples = new List<double>(handoffs);
    var waited = 0;
    for (var i = 0; i < handoffs + warmupHandoffs; i++)
    {
        await Task.Delay(20);
        lock (events)
        {
            events.Clear();
        }

        var holderDone = 0L;
        var holder = Task.Run(async () =>
        {
            await GetAsync(a, cookie, "slow?ms=50");
            Volatile.Write(ref holderDone, Stopwatch.GetTimestamp());
        });
        while (!await db.KeyExistsAsync(lockKey))
        {
            await Task.Delay(1);
        }

        var waiter = Task.Run(async () =>
        {
            await GetAsync(b, cookie, "counter/increment", HttpMethod.Post);
            return Stopwatch.GetTimestamp();
        });
        var sawWaiting = false;
        while (!holder.IsCompleted && !(sawWaiting = await db.KeyExistsAsync(waitingKey)))
        {
            await Task.Delay(1);
        }

        await holder;
        var waiterDone = await waiter;
        await Task.Delay(20);
        if (i < warmupHandoffs)
        {
            continue;
        }

        samples.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref holderDone), waiterDone).TotalMilliseconds);
        waited += sawWaiting ? 1 : 0;
        lock (events)
        {
            var release = events.FindIndex(e => e.Event == "del");
            var acquire = release < 0 ? -1 : events.FindIndex(release + 1, e => e.Event == "set");
            if (acquire > 0)
            {
                serverSamples.Add(Stopwatch.GetElapsedTime(events[release].At, events[acquire].At).TotalMilliseconds);
            }
        }
    }

    await subscriber.UnsubscribeAsync(channel);
    var sorted = samples.Order().ToArray();
    var serverSorted = serverSamples.Order().ToArray();
    if (serverSorted.Length != samples.Count)
    {
        Console.WriteLine($"(keyspace notifications gave a release/acquire pair for {serverSorted.Length} of {samples.Count} hand-offs)");
    }

    return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), Percentile(serverSorted, 0.50), Percentile(serverSorted, 0.99), waited);
}

async Task<string> NewSessionAsync(HttpClient client, bool isBridge, bool write = true)
{
    if (isBridge)
    {
        var cookie = $"ASP.NET_SessionId={SessionId.Create()}";
        if (write)
        {
            await GetAsync(client, cookie, "counter/increment", HttpMethod.Post);
        }

        return cookie;
    }

    using var response = await client.PostAsync("counter/increment", null);
    response.EnsureSuccessStatusCode();
    var setCookie = response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Session=", StringComparison.Ordinal));
    return setCookie.Split(';')[0];
}

static async Task<string> GetAsync(HttpClient client, string cookie, string path, HttpMethod? method = null)
{
    using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
    request.Headers.Add("Cookie", cookie);
    using var response = await client.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{method ?? HttpMethod.Get} {path} answered {(int)response.StatusCode}: {body}");
}

static HttpClient Client(HostProcess host, int maxConnections = 256) => new(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = maxConnections })
{
    BaseAddress = host.BaseAddress,
    Timeout = TimeSpan.FromSeconds(60),
};

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

string Arg(string name, string? fallback = null)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback ?? throw new ArgumentException($"Pass {name} VALUE.");
}
