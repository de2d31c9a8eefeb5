using System.Diagnostics;
using System.Text;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>
/// Two network namespaces joined by a veth pair, with private test addresses that exist only inside them
/// (server side <see cref="ServerAddress"/>, client side <see cref="ClientAddress"/>). Needs root and iproute2; fails
/// with a message saying so otherwise. Removed on dispose.
/// </summary>
public sealed class NetworkNamespacePair : IAsyncDisposable
{
    public const string ServerAddress = "10.242.42.1";
    public const string ClientAddress = "10.242.42.2";

    private NetworkNamespacePair(string server, string client)
    {
        ServerNamespace = server;
        ClientNamespace = client;
    }

    public string ServerNamespace { get; }

    public string ClientNamespace { get; }

    public static async Task<NetworkNamespacePair> CreateAsync()
    {
        var tag = $"{Environment.ProcessId % 100000}{Random.Shared.Next(100, 999)}";
        var pair = new NetworkNamespacePair($"sbss{tag}s", $"sbss{tag}c");
        var vethServer = $"sbv{tag}s";
        var vethClient = $"sbv{tag}c";
        string[][] steps =
        [
            ["netns", "add", pair.ServerNamespace],
            ["netns", "add", pair.ClientNamespace],
            ["link", "add", vethServer, "type", "veth", "peer", "name", vethClient],
            ["link", "set", vethServer, "netns", pair.ServerNamespace],
            ["link", "set", vethClient, "netns", pair.ClientNamespace],
            ["-n", pair.ServerNamespace, "addr", "add", ServerAddress + "/24", "dev", vethServer],
            ["-n", pair.ClientNamespace, "addr", "add", ClientAddress + "/24", "dev", vethClient],
            ["-n", pair.ServerNamespace, "link", "set", vethServer, "up"],
            ["-n", pair.ClientNamespace, "link", "set", vethClient, "up"],
            ["-n", pair.ServerNamespace, "link", "set", "lo", "up"],
            ["-n", pair.ClientNamespace, "link", "set", "lo", "up"],
        ];
        foreach (var step in steps)
        {
            (int ExitCode, string Output, string Error) result;
            try
            {
                result = await ProcessRunner.RunAsync("ip", step);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException("The remote-access test needs iproute2 ('ip'); install it with: apt-get install -y iproute2", ex);
            }

            if (result.ExitCode != 0)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException(
                    $"Could not create the network namespace pair for the remote-access test (ip {string.Join(' ', step)}: {result.Error.Trim()}). " +
                    "It needs root (or CAP_NET_ADMIN/CAP_SYS_ADMIN) and iproute2; run the tests as root.");
            }
        }

        // The veth link comes up asynchronously: wait until a connection attempt from the client side is answered at
        // all (refused by the kernel: nothing listens on port 9), so later refusals and answers mean what they say.
        for (var attempt = 0; ; attempt++)
        {
            var probe = await ConnectFromAsync(pair.ClientNamespace, ServerAddress, 9, string.Empty);
            if (probe.Refused)
            {
                break;
            }

            if (attempt >= 30)
            {
                await pair.DisposeAsync();
                throw new InvalidOperationException($"The veth link between the test namespaces did not come up: {probe}");
            }

            await Task.Delay(500);
        }

        return pair;
    }

    /// <summary>Starts our state server inside the server namespace and waits until it listens.</summary>
    public async Task<Process> StartServerAsync(params string[] serverArguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll");
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["netns", "exec", ServerNamespace, ProcessRunner.DotNet, dll, .. serverArguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(150)));
        if (first != listening.Task)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            string log;
            lock (output)
            {
                log = output.ToString();
            }

            throw new InvalidOperationException("The state server did not start in the namespace: " + log);
        }

        return process;
    }

    /// <summary>
    /// From <paramref name="ns"/>, connects to address:port, sends a request and returns what came back: the answer text
    /// ("" when the server closed without one), or <see cref="ConnectResult.Refused"/> when the connection was refused.
    /// </summary>
    public static async Task<ConnectResult> ConnectFromAsync(string ns, string address, int port, string request)
    {
        var script = $"exec 3<>/dev/tcp/{address}/{port} || exit 97; printf '%s' \"$REQ\" >&3; timeout 5 cat <&3; exit 0";
        var result = await ProcessRunner.RunAsync(
            "ip", ["netns", "exec", ns, "timeout", "-k", "2", "20", "env", "REQ=" + request, "bash", "-c", script], TimeSpan.FromSeconds(60));
        return new ConnectResult(
            result.ExitCode == 97 && result.Error.Contains("Connection refused", StringComparison.Ordinal),
            result.ExitCode is 124 or 137,
            result.Output,
            result.Error);
    }

    /// <summary>What a connection attempt from a namespace gave.</summary>
    public sealed record ConnectResult(bool Refused, bool TimedOut, string Output, string Error)
    {
        public bool Answered => !Refused && !TimedOut;
    }

    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            // SIGTERM: the host's graceful shutdown.
            await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("ip", ["netns", "del", ServerNamespace]);
        await ProcessRunner.RunAsync("ip", ["netns", "del", ClientNamespace]);
    }
}
