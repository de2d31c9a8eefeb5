using System.Globalization;
using System.Text;
using SessionBridge.LoadHarness;

// SessionBridge load harness: no session, ASP.NET Core's session (AddSession over AddDistributedMemoryCache) and
// SessionBridge (embedded in-memory store) side by side in one run, each on Kestrel at a free 127.0.0.1 port.
//   dotnet run -c Release --project bench/SessionBridge.LoadHarness -- [--seconds 3] [--rounds 3] [--out FILE]
var seconds = 3;
var rounds = 3;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length:
            seconds = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, 60);
            break;
        case "--rounds" when i + 1 < args.Length:
            rounds = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, 10);
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: SessionBridge.LoadHarness [--seconds N (1-60, default 3)] [--rounds N (1-10, default 3)] [--out FILE]");
            return 2;
    }
}

var probe = new HandoffProbe();
await using var none = await Hosts.StartNoSessionAsync();
await using var core = await Hosts.StartCoreSessionAsync();
await using var bridge = await Hosts.StartSessionBridgeAsync(probe);
var apps = new (string Name, Uri Url, bool Session)[]
{
    ("No session", new Uri(none.Urls.First()), false),
    ("ASP.NET Core AddSession + AddDistributedMemoryCache", new Uri(core.Urls.First()), true),
    ("SessionBridge (in-memory store)", new Uri(bridge.Urls.First()), true),
};

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; client and servers in one process.");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"### Throughput: 16 concurrent connections, distinct sessions, POST /inc (read + write the session)");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"{rounds} rounds of {seconds} s per application (each after 1 s of warm-up), the applications taking turns (each round starting with another one) so that noise from the shared machine falls on all of them; the median round is shown.");
report.AppendLine();
report.AppendLine("| Application | Requests/s | p50 (ms) | p99 (ms) |");
report.AppendLine("|---|---:|---:|---:|");
var throughput = apps.Select(_ => new List<(double RequestsPerSecond, double P50, double P99)>()).ToArray();
for (var round = 0; round < rounds; round++)
{
    for (var turn = 0; turn < apps.Length; turn++)
    {
        // Each round starts with another application, so no one always runs first (cold) or last.
        var a = (turn + round) % apps.Length;
        var result = await Load.ThroughputAsync(apps[a].Url, apps[a].Session, connections: 16, TimeSpan.FromSeconds(seconds));
        throughput[a].Add(result);
        Console.Error.WriteLine($"round {round + 1} {apps[a].Name}: {result.RequestsPerSecond:F0} req/s, p99 {result.P99:F2} ms");
    }
}

for (var a = 0; a < apps.Length; a++)
{
    var median = throughput[a].OrderBy(r => r.RequestsPerSecond).ElementAt(throughput[a].Count / 2);
    report.AppendLine(CultureInfo.InvariantCulture, $"| {apps[a].Name} | {median.RequestsPerSecond:F0} | {median.P50:F2} | {median.P99:F2} |");
}

report.AppendLine();
report.AppendLine("### Lost updates: 100 concurrent writers on one session, 3 rounds");
report.AppendLine();
report.AppendLine("Each writer reads Count, does 1 ms of simulated work (a database call in a real page), then writes Count + 1 (POST /inc-with-work).");
report.AppendLine();
report.AppendLine("| Application | Increments sent | Counted | Lost | Non-200 answers |");
report.AppendLine("|---|---:|---:|---:|---:|");
foreach (var (name, url, session) in apps.Where(a => a.Session))
{
    var result = await Load.LostUpdatesAsync(url, writers: 100, rounds: 3);
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {result.Sent} | {result.Counted} | {result.Sent - result.Counted} | {result.Failed} |");
    Console.Error.WriteLine($"lost updates {name}: {result.Sent - result.Counted}");
}

report.AppendLine();
report.AppendLine("### Lock hand-off between two requests of one session (SessionBridge), 200 hand-offs");
report.AppendLine();
report.AppendLine("From the end of the lock holder's endpoint to the start of the waiting request's endpoint: save + release, wake-up, exclusive read. System.Web polls every 500 ms.");
report.AppendLine();
var handoff = await Load.HandoffAsync(apps[2].Url, probe, iterations: 200);
report.AppendLine("| p50 (ms) | p99 (ms) | max (ms) |");
report.AppendLine("|---:|---:|---:|");
report.AppendLine(CultureInfo.InvariantCulture, $"| {handoff.P50:F3} | {handoff.P99:F3} | {handoff.Max:F3} |");

Console.WriteLine(report.ToString());
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

return 0;
