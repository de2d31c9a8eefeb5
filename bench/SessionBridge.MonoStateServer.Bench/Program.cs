using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SessionBridge.Legacy.MonoStateServer;

// Mono state server benchmark: SessionBridge's state server (Remoting on its port, memory backing) vs Mono's
// asp-state4.exe, the same client load from one process: N connections, each a loop of GetItem(exclusive) +
// SetAndReleaseItemExclusive on its own session, for a fixed time per server after a warm-up.
// Usage: dotnet run -c Release -- [--connections 16] [--seconds 10] [--warmup 3] [--payload 512] [--rounds 2]
var connections = Option("--connections", 16);
var seconds = Option("--seconds", 10);
var warmup = Option("--warmup", 3);
var payload = Option("--payload", 512);
var rounds = Option("--rounds", 2);

var rows = new List<(string Server, int Round, Result Result)>();
for (var round = 1; round <= rounds; round++)
{
    foreach (var server in new[] { "asp-state4", "sessionbridge" })
    {
        var port = FreePort();
        using var process = server == "asp-state4" ? StartAspState4(port, out var dir) : StartSessionBridge(port, out dir);
        try
        {
            await WaitForPortAsync(port, process);
            await RunAsync(port, connections, TimeSpan.FromSeconds(warmup), payload);
            var result = await RunAsync(port, connections, TimeSpan.FromSeconds(seconds), payload);
            rows.Add((server, round, result));
            Console.Error.WriteLine($"{server} round {round}: {result.CallsPerSecond:0} calls/s");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(30_000);
            }

            if (dir is not null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}

Console.WriteLine($"| server | round | calls/s | GetItem+Set pairs/s | p50 call (ms) | p99 call (ms) | calls |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (server, round, r) in rows)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {server} | {round} | {r.CallsPerSecond:0} | {r.CallsPerSecond / 2:0} | {r.P50:0.000} | {r.P99:0.000} | {r.Calls} |"));
}

foreach (var round in rows.Select(r => r.Round).Distinct())
{
    var mono = rows.Single(r => r.Round == round && r.Server == "asp-state4").Result;
    var ours = rows.Single(r => r.Round == round && r.Server == "sessionbridge").Result;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: sessionbridge / asp-state4 throughput = {ours.CallsPerSecond / mono.CallsPerSecond:0.00}x, p99 {mono.P99:0.000} ms -> {ours.P99:0.000} ms"));
}

return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task<Result> RunAsync(int port, int connections, TimeSpan duration, int payload)
{
    var stop = Stopwatch.StartNew();
    var latencies = new List<double>[connections];
    var tasks = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
    {
        var list = latencies[c] = new List<double>(200_000);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var id = Convert.ToHexString(BitConverter.GetBytes(c).Concat(new byte[8]).ToArray());
        var uri = $"tcp://127.0.0.1:{port}/StateServer";
        var data = new byte[payload];
        var buffer = new byte[64 * 1024];
        await CallAsync(socket, buffer, uri, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = id, CollectionData = data, LockId = int.MinValue, Timeout = 20, NewItem = true });
        var get = Frame(uri, new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = id, Exclusive = true });
        while (stop.Elapsed < duration)
        {
            var t0 = Stopwatch.GetTimestamp();
            var reply = MonoStateServerMessages.ReadGetItemReply(NrbfMessageReader.Read(await ExchangeAsync(socket, buffer, get), RemotingLimits.Default));
            var t1 = Stopwatch.GetTimestamp();
            if (reply.Item is null)
            {
                throw new InvalidOperationException("GetItem(exclusive) found no unlocked item on the connection's own session.");
            }

            await CallAsync(socket, buffer, uri, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = id, CollectionData = data, LockId = reply.LockId, Timeout = 20 });
            var t2 = Stopwatch.GetTimestamp();
            list.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            list.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all.Length, all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
}

static byte[] Frame(string uri, MonoStateServerCall call)
{
    var writer = new ArrayBufferWriter<byte>();
    RemotingFrameWriter.WriteRequest(writer, uri, MonoStateServerMessages.WriteCall(call));
    return writer.WrittenSpan.ToArray();
}

static async Task CallAsync(Socket socket, byte[] buffer, string uri, MonoStateServerCall call) =>
    MonoStateServerMessages.ReadVoidReply(NrbfMessageReader.Read(await ExchangeAsync(socket, buffer, Frame(uri, call)), RemotingLimits.Default), call.Method);

static async Task<byte[]> ExchangeAsync(Socket socket, byte[] buffer, byte[] request)
{
    await socket.SendAsync(request);
    var count = 0;
    while (true)
    {
        var sequence = new ReadOnlySequence<byte>(buffer, 0, count);
        if (RemotingFrameReader.TryRead(ref sequence, RemotingLimits.Default, out var frame))
        {
            return frame!.Body;
        }

        var read = await socket.ReceiveAsync(buffer.AsMemory(count));
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        count += read;
    }
}

static Process StartAspState4(int port, out string? directory)
{
    directory = Path.Combine(Path.GetTempPath(), "sb-bench-asp-state4-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(directory);
    const string Exe = "/usr/lib/xsp/4.0/asp-state4.exe";
    if (!File.Exists(Exe))
    {
        throw new InvalidOperationException("asp-state4.exe not found: apt-get install mono-complete mono-xsp4");
    }

    File.Copy(Exe, Path.Combine(directory, "asp-state4.exe"));
    File.WriteAllText(Path.Combine(directory, "asp-state4.exe.config"),
        File.ReadAllText(Exe + ".config").Replace("port=\"42424\"", $"port=\"{port}\" bindTo=\"127.0.0.1\"", StringComparison.Ordinal));
    var start = new ProcessStartInfo("mono") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
    start.ArgumentList.Add(Path.Combine(directory, "asp-state4.exe"));
    return Drain(Process.Start(start)!);
}

static Process StartSessionBridge(int port, out string? directory)
{
    directory = null;
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll"));
    start.ArgumentList.Add("--port");
    start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    return Drain(Process.Start(start)!);
}

static Process Drain(Process process)
{
    // asp-state4 writes a console line per call: read and drop it, as a terminal or journald would take it.
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

static async Task WaitForPortAsync(int port, Process process)
{
    var waited = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return;
        }
        catch (SocketException) when (!process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(50);
        }
    }
}

internal sealed record Result(int Calls, double CallsPerSecond, double P50, double P99);
