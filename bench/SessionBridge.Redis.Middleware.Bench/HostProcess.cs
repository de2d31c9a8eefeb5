using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionBridge.Redis.Middleware.Bench;

/// <summary>An app of the run as its own process on a free loopback port; disposing kills it.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(string name, string dll, IEnumerable<string> arguments, int port)
    {
        Name = name;
        Port = port;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_gcServer"] = "0";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>CPU time the process (user + kernel) has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public static Task<HostProcess> StartBridgeAsync(string name, string redis, string applicationName) =>
        StartHarnessHostAsync(name, "--bridge-host", "--redis", redis, "--app", applicationName);

    public static Task<HostProcess> StartCoreAsync(string name, string redis, string keysDirectory) =>
        StartHarnessHostAsync(name, "--core-host", "--redis", redis, "--keys", keysDirectory);

    // Starts this harness again as one of its hosts (BridgeSessionHost or CoreSessionHost) on a free port.
    private static async Task<HostProcess> StartHarnessHostAsync(string name, string mode, params string[] arguments)
    {
        var port = FreePort();
        var self = typeof(HostProcess).Assembly.Location;
        var host = new HostProcess(name, self, [mode, "--port", port.ToString(CultureInfo.InvariantCulture), .. arguments], port);
        await host.WaitUntilHealthyAsync();
        return host;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(20_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{_output}");
            }

            try
            {
                using var response = await client.GetAsync("health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                Kill();
                throw new TimeoutException($"{Name} did not answer /health within 90 s:\n{_output}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                if (_output.Length < 100_000)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
