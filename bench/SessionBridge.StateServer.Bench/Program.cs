using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionBridge.Legacy.Format;
using SessionBridge.StateServer.Client;

// Load harness: our state server (a separate process, as deployed) under a PUT/GET/acquire/release mix.
// Each cycle on one session: GET acquire, PUT (write + release), GET, GET acquire, GET release.
// Usage: SessionBridge.StateServer.Bench [--seconds 5] [--warmup 1] [--connections 1,8] [--output file.md]
//                                       [--store memory|redis --redis <configuration>] (passed to the server)
//                                       [--compare-redis <configuration>] (side by side: an in-memory server and a
//                                       Redis-backed one, raw requests, alternating at each connection count)
var seconds = 5;
string? compareRedis = null;
string[] serverArguments = [];
var backing = "in-memory";
var warmup = 1;
int[] connectionCounts = [1, 8];
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--connections": connectionCounts = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--output": output = args[++i]; break;
        case "--store": serverArguments = [.. serverArguments, "--store", args[++i]]; backing = args[i] == "redis" ? "Redis" : "in-memory"; break;
        case "--redis": serverArguments = [.. serverArguments, "--redis", args[++i]]; break;
        case "--compare-redis": compareRedis = args[++i]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

if (compareRedis is not null)
{
    return await CompareAsync(compareRedis, connectionCounts, warmup, seconds, output);
}

var port = FreePort();
using var server = StartServer(port, serverArguments);
try
{
    var rows = new List<string>();
    foreach (var connections in connectionCounts)
    {
        var raw = await RunAsync(connections, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), (c, s, d, ct) => RawWorkerAsync(port, c, s, d, ct));
        rows.Add(Row($"server ({backing}), raw [MS-ASP] requests", connections, raw));
        Console.WriteLine(rows[^1]);
        var store = await RunAsync(connections, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), (c, s, d, ct) => StoreWorkerAsync(port, c, s, d, ct));
        rows.Add(Row($"server ({backing}) via StateServerSessionStore", connections, store));
        Console.WriteLine(rows[^1]);
        rows.Add($"| client store overhead per request ({backing}), {connections} conn. | | mean {(store.MeanMicros - raw.MeanMicros):0.0} µs more than raw | | |");
        Console.WriteLine(rows[^1]);
    }

    var text = new StringBuilder()
        .AppendLine("| scenario | connections | requests/s | p50 | p99 |")
        .AppendLine("|---|---|---|---|---|");
    foreach (var row in rows)
    {
        text.AppendLine(row);
    }

    Console.WriteLine(text);
    if (output is not null)
    {
        await File.WriteAllTextAsync(output, text.ToString());
    }
}
finally
{
    server.Kill();
    await server.WaitForExitAsync();
}

return 0;

// The in-memory and the Redis-backed server side by side in one run: both processes up at once, raw [MS-ASP] rows
// alternating (memory, Redis) at each connection count, and the ratio.
static async Task<int> CompareAsync(string redis, int[] connectionCounts, int warmup, int seconds, string? output)
{
    var memoryPort = FreePort();
    using var memory = StartServer(memoryPort, []);
    var redisPort = FreePort();
    using var onRedis = StartServer(redisPort, ["--store", "redis", "--redis", redis]);
    try
    {
        var text = new StringBuilder()
            .AppendLine("| backing | connections | requests/s | p50 | p99 | Redis ÷ memory |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var connections in connectionCounts)
        {
            var inMemory = await RunAsync(connections, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), (c, s, d, ct) => RawWorkerAsync(memoryPort, c, s, d, ct));
            var withRedis = await RunAsync(connections, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), (c, s, d, ct) => RawWorkerAsync(redisPort, c, s, d, ct));
            var lines = new[]
            {
                $"| in-memory | {connections} | {inMemory.RequestsPerSecond:N0} | {inMemory.P50Micros:0} µs | {inMemory.P99Micros:0} µs | |",
                $"| Redis | {connections} | {withRedis.RequestsPerSecond:N0} | {withRedis.P50Micros:0} µs | {withRedis.P99Micros:0} µs | {withRedis.RequestsPerSecond / inMemory.RequestsPerSecond:0.00} |",
            };
            foreach (var line in lines)
            {
                Console.WriteLine(line);
                text.AppendLine(line);
            }
        }

        Console.WriteLine(text);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, text.ToString());
        }
    }
    finally
    {
        memory.Kill();
        onRedis.Kill();
        await memory.WaitForExitAsync();
        await onRedis.WaitForExitAsync();
    }

    return 0;
}

static string Row(string name, int connections, Result r) =>
    $"| {name} | {connections} | {r.RequestsPerSecond:N0} | {r.P50Micros:0} µs | {r.P99Micros:0} µs |";

static async Task<Result> RunAsync(int connections, TimeSpan warmup, TimeSpan duration, Func<int, long[], Counter, CancellationToken, Task> worker)
{
    var samples = Enumerable.Range(0, connections).Select(_ => new long[4_000_000]).ToArray();
    var counters = Enumerable.Range(0, connections).Select(_ => new Counter()).ToArray();
    using var stop = new CancellationTokenSource();
    var tasks = Enumerable.Range(0, connections).Select(c => Task.Run(() => worker(c, samples[c], counters[c], stop.Token))).ToArray();
    await Task.Delay(warmup);
    foreach (var counter in counters)
    {
        counter.Recording = true;
    }

    var watch = Stopwatch.StartNew();
    await Task.Delay(duration);
    foreach (var counter in counters)
    {
        counter.Recording = false;
    }

    var elapsed = watch.Elapsed;
    await stop.CancelAsync();
    await Task.WhenAll(tasks);
    var all = samples.Zip(counters).SelectMany(p => p.First.Take(p.Second.Count)).ToArray();
    Array.Sort(all);
    double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
    return new Result(
        all.Length / elapsed.TotalSeconds,
        Micros(all[all.Length / 2]),
        Micros(all[(int)(all.Length * 0.99)]),
        all.Average(t => Micros(t)));
}

static async Task RawWorkerAsync(int port, int connection, long[] samples, Counter counter, CancellationToken stop)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(IPAddress.Loopback, port);
    var buffer = new byte[64 * 1024];
    var blob = Convert.FromHexString("14000000010002000000FFFFFFFF08557365724E616D6505436F756E74070000000C0000000105616C6963650203000000FF");
    var targets = Enumerable.Range(0, 64).Select(s => StateServerKeys.CreateRequestTarget("/LM/W3SVC/1/ROOT/Bench(aGFzaA==)/", $"c{connection:D3}s{s:D3}aaaaaaaaaaaaaaaa")).ToArray();
    foreach (var target in targets)
    {
        await ExchangeAsync(Put(target, blob, 0));
    }

    var session = 0;
    while (!stop.IsCancellationRequested)
    {
        var target = targets[session++ % targets.Length];
        var acquired = await TimedAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: bench\r\nExclusive: Acquire\r\n\r\n"));
        await TimedAsync(Put(target, blob, acquired.LockCookie ?? 0));
        await TimedAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: bench\r\n\r\n"));
        acquired = await TimedAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: bench\r\nExclusive: Acquire\r\n\r\n"));
        await TimedAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: bench\r\nExclusive: Release\r\nLock-Cookie: {acquired.LockCookie}\r\n\r\n"));
    }

    async Task<StateServerResponse> TimedAsync(byte[] request)
    {
        var start = Stopwatch.GetTimestamp();
        var response = await ExchangeAsync(request);
        if (response.Status != 200)
        {
            throw new InvalidOperationException($"unexpected {response.Status}");
        }

        counter.Add(samples, Stopwatch.GetTimestamp() - start);
        return response;
    }

    async Task<StateServerResponse> ExchangeAsync(byte[] request)
    {
        await socket.SendAsync(request);
        var count = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(count));
            if (read == 0)
            {
                throw new IOException("closed");
            }

            count += read;
            var sequence = new ReadOnlySequence<byte>(buffer, 0, count);
            if (StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var response, out _) == StateServerParseStatus.Complete)
            {
                return response!;
            }
        }
    }

    static byte[] Put(string target, byte[] blob, int cookie) =>
        [.. Encoding.ASCII.GetBytes($"PUT {target} HTTP/1.1\r\nHost: bench\r\nContent-Length: {blob.Length}\r\nTimeout: 20\r\nLock-Cookie: {cookie}\r\nExtraFlags: 0\r\n\r\n"), .. blob];
}

static async Task StoreWorkerAsync(int port, int connection, long[] samples, Counter counter, CancellationToken stop)
{
    using var store = new StateServerSessionStore(new StateServerStoreOptions
    {
        ConnectionString = $"tcpip=127.0.0.1:{port}",
        ApplicationId = "/LM/W3SVC/1/ROOT/Bench",
    });
    var ids = Enumerable.Range(0, 64).Select(s => $"c{connection:D3}s{s:D3}bbbbbbbbbbbbbbbb").ToArray();
    var data = new SessionStateData(20);
    data.Items["UserName"] = "alice";
    data.Items["Count"] = 3;
    foreach (var id in ids)
    {
        await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, CancellationToken.None);
    }

    var session = 0;
    while (!stop.IsCancellationRequested)
    {
        var id = ids[session++ % ids.Length];
        var start = Stopwatch.GetTimestamp();
        var acquired = await store.GetItemAsync(id, exclusive: true, CancellationToken.None);
        Mark(ref start);
        await store.SetAndReleaseItemExclusiveAsync(id, acquired.Data!, acquired.LockId, newItem: false, CancellationToken.None);
        Mark(ref start);
        await store.GetItemAsync(id, exclusive: false, CancellationToken.None);
        Mark(ref start);
        acquired = await store.GetItemAsync(id, exclusive: true, CancellationToken.None);
        Mark(ref start);
        await store.ReleaseItemExclusiveAsync(id, acquired.LockId!, CancellationToken.None);
        Mark(ref start);
    }

    void Mark(ref long start)
    {
        var now = Stopwatch.GetTimestamp();
        counter.Add(samples, now - start);
        start = now;
    }
}

static Process StartServer(int port, string[] arguments)
{
    var dll = Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll");
    var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    start.ArgumentList.Add(dll);
    start.ArgumentList.Add("--port");
    start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    start.Environment["Logging__LogLevel__Default"] = "Warning";
    start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
    var process = Process.Start(start)!;
    while (process.StandardOutput.ReadLine() is { } line)
    {
        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            return process;
        }
    }

    throw new InvalidOperationException("the state server did not start");
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

internal sealed record Result(double RequestsPerSecond, double P50Micros, double P99Micros, double MeanMicros);

internal sealed class Counter
{
    public volatile bool Recording;

    public int Count { get; private set; }

    public void Add(long[] samples, long ticks)
    {
        if (Recording && Count < samples.Length)
        {
            samples[Count++] = ticks;
        }
    }
}
