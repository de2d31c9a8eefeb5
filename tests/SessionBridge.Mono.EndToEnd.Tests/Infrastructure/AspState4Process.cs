using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Mono.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Mono's own state server, <c>asp-state4.exe</c> (package mono-xsp4), as a real process: a copy of the exe and its
/// .config in a temp folder with a free loopback port (<c>bindTo="127.0.0.1"</c>), stdin held open (it exits when
/// stdin closes). Disposing kills it by its id.
/// </summary>
public sealed class AspState4Process : IDisposable
{
    public const string InstallHint =
        "Mono's asp-state4.exe is needed: install Mono with `apt-get install mono-complete mono-xsp4` (test.sh does it when missing).";

    private static readonly string[] Candidates = ["/usr/lib/xsp/4.0/asp-state4.exe", "/usr/lib/mono/4.5/asp-state4.exe"];
    private readonly StringBuilder _output = new();
    private readonly string _directory;
    private Process? _process;

    private AspState4Process(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string ConnectionString => "tcpip=127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static string Mono => FindOnPath("mono") ?? throw new InvalidOperationException("`mono` was not found on PATH. " + InstallHint);

    public static async Task<AspState4Process> StartAsync()
    {
        var exe = Candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("asp-state4.exe was not found. " + InstallHint);
        var mono = Mono;
        var directory = Path.Combine(Path.GetTempPath(), "sb-asp-state4-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = Ports.Free();
        File.Copy(exe, Path.Combine(directory, "asp-state4.exe"));
        var config = await File.ReadAllTextAsync(exe + ".config");
        config = config.Replace("port=\"42424\"", $"port=\"{port}\" bindTo=\"127.0.0.1\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "asp-state4.exe.config"), config);
        var server = new AspState4Process(port, directory);
        var start = new ProcessStartInfo(mono)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(directory, "asp-state4.exe"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("asp-state4.exe did not start.");
        server._process = process;
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (!Ports.Accepts(port))
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(120))
            {
                var output = server.Output;
                server.Dispose();
                throw new InvalidOperationException($"asp-state4.exe did not come up on port {port}:\n{output}");
            }

            await Task.Delay(50);
        }

        return server;
    }

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

    public void Dispose()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(30_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
            _process = null;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private void Append(string? line)
    {
        // asp-state4 prints a line per call (Console.WriteLine in RemoteStateServer); keep only the start of its output.
        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
