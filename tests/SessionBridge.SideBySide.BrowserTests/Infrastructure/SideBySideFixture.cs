using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace SessionBridge.SideBySide.BrowserTests.Infrastructure;

/// <summary>
/// The side-by-side sample as a real process (<c>dotnet SessionBridge.SideBySide.dll</c>, which starts its state
/// server and its Mono legacy app) on a free loopback port, and Debian's chromium driven headless by Playwright.
/// Disposing closes the browser and stops the sample with SIGTERM (the sample stops its own children), then checks
/// that none of them is left.
/// </summary>
public sealed class SideBySideFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string InstallHint =
        "The browser tests need Debian's chromium, Mono's System.Web host and nginx: " +
        "`apt-get install -y chromium mono-complete mono-fastcgi-server4 nginx-light` (test.sh does it when missing).";

    private readonly StringBuilder _output = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sb-sidebyside-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _sample;
    private IPlaywright? _playwright;

    public Uri FrontDoor { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The sample's child processes (the state server, fastcgi-mono-server4, nginx): id and command line.</summary>
    public IReadOnlyList<(int Pid, string CommandLine)> Children() =>
        _sample is null ? [] : [.. ChildrenOf(_sample.Id).Select(pid => (pid, CommandLineOf(pid)))];

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} was not found. {InstallHint}");
        }

        Directory.CreateDirectory(_directory);
        var port = FreePort();
        FrontDoor = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo(DotNet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "SessionBridge.SideBySide.dll"),
            "--urls", FrontDoor.ToString().TrimEnd('/'), "--contentRoot", AppContext.BaseDirectory,
            "--LegacySession:WebConfig", Path.Combine(_directory, "web.config"),
            // SessionBridge's lock events (101: a request waits for a session another request holds), for the tests.
            "--Logging:LogLevel:SessionBridge", "Debug"])
        {
            start.ArgumentList.Add(argument);
        }

        _sample = Process.Start(start) ?? throw new InvalidOperationException("The side-by-side sample did not start.");
        _sample.OutputDataReceived += (_, e) => Append(e.Data);
        _sample.ErrorDataReceived += (_, e) => Append(e.Data);
        _sample.BeginOutputReadLine();
        _sample.BeginErrorReadLine();

        var waited = Stopwatch.StartNew();
        while (!Output.Contains("Front door: ", StringComparison.Ordinal))
        {
            if (_sample.HasExited || waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new InvalidOperationException($"The side-by-side sample did not come up. {InstallHint}\n{Output}");
            }

            await Task.Delay(100);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_sample is not null)
        {
            var children = ChildrenOf(_sample.Id);
            if (!_sample.HasExited)
            {
                // SIGTERM, as a service manager stops the sample: it shuts down gracefully and stops its children.
                _ = Kill(_sample.Id, "TERM");
                if (!_sample.WaitForExit(30_000))
                {
                    _sample.Kill(entireProcessTree: true);
                }
            }

            _sample.Dispose();
            var left = children.Where(IsRunning).ToList();
            foreach (var pid in left)
            {
                _ = Kill(pid, "KILL");
            }

            if (left.Count > 0)
            {
                throw new InvalidOperationException($"The sample left child processes running after SIGTERM: {string.Join(", ", left)}");
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                    {
                        children.Add(child);
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        return children;
    }

    private static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static bool IsRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static bool Kill(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill?.WaitForExit();
        return kill?.ExitCode == 0;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string DotNet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
