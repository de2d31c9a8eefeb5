using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// SessionBridge's state server as a real process (<c>dotnet SessionBridge.StateServer.dll</c>) on a fixed loopback
/// port, so it can be killed and started again on the same port. Disposing kills it.
/// </summary>
public sealed class StateServerProcess : IDisposable
{
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private StateServerProcess(int port, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        Port = port;
        _arguments = arguments;
        _environment = environment;
    }

    public int Port { get; }

    public string ConnectionString => "tcpip=127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

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

    public static Task<StateServerProcess> StartAsync(params string[] arguments) => StartAsync(new Dictionary<string, string>(), arguments);

    public static async Task<StateServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var server = new StateServerProcess(Ports.Free(), arguments, environment);
        try
        {
            await server.StartAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll"));
        foreach (var argument in (string[])["--port", Port.ToString(CultureInfo.InvariantCulture), .. _arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The state server did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var waited = Stopwatch.StartNew();
        while (!Ports.Accepts(Port))
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(120))
            {
                Kill();
                throw new InvalidOperationException("The state server did not come up on port " + Port + ":\n" + Output);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the process at once (SIGKILL: a crash, no graceful shutdown) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is null)
        {
            return;
        }

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

    public void Dispose() => Kill();

    private static string DotNet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
