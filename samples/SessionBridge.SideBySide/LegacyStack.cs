using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionBridge.SideBySide;

/// <summary>
/// The parts this sample starts beside the ASP.NET Core app, as child processes on free loopback ports: the store
/// (SessionBridge's state server, in memory) and the legacy System.Web app (legacy/LegacyPages.cs compiled with mcs,
/// hosted by fastcgi-mono-server4 behind nginx). <see cref="Dispose"/> stops every one of them by its process id.
/// </summary>
internal sealed class LegacyStack : IDisposable
{
    public const string InstallHint =
        "The side-by-side sample runs its legacy half on Mono's System.Web behind nginx. Install them with " +
        "`sudo apt-get install -y mono-complete mono-fastcgi-server4 nginx-light` (Debian/Ubuntu).";

    private const string StateServerName = "state server";

    private readonly string _directory;
    private readonly List<(string Name, Process Process, StringBuilder Output)> _processes = [];

    private LegacyStack(string directory) => _directory = directory;

    /// <summary>The state server's port (the store): <c>tcpip=127.0.0.1:StatePort</c>.</summary>
    public int StatePort { get; private set; }

    /// <summary>The legacy app's address (nginx), where the front door forwards every route Core does not serve.</summary>
    public Uri LegacyAddress { get; private set; } = null!;

    /// <summary>The legacy app's process (fastcgi-mono-server4 or nginx) that has exited, or null while both run.</summary>
    public string? LegacyAppExited => _processes.FirstOrDefault(p => p.Name != StateServerName && p.Process.HasExited).Name;

    /// <summary>
    /// Starts the state server, writes <paramref name="webConfigPath"/> from legacy/web.config.template with its port,
    /// compiles and starts the legacy app on that web.config, and waits until both answer.
    /// </summary>
    public static async Task<LegacyStack> StartAsync(string webConfigPath, CancellationToken cancellationToken)
    {
        var mcs = Which("mcs");
        var fastcgi = Which("fastcgi-mono-server4");
        var nginx = Which("nginx") ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);
        var missing = new[] { ("mcs", mcs), ("fastcgi-mono-server4", fastcgi), ("nginx", nginx) }.Where(t => t.Item2 is null).Select(t => t.Item1).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{string.Join(", ", missing)} not found on PATH. {InstallHint}");
        }

        var source = Path.Combine(AppContext.BaseDirectory, "legacy");
        var directory = Path.Combine(Path.GetTempPath(), "sessionbridge-sidebyside-" + Guid.NewGuid().ToString("N")[..8]);
        var app = Path.Combine(directory, "app");
        Directory.CreateDirectory(Path.Combine(app, "bin"));
        var stack = new LegacyStack(directory);
        try
        {
            // 1. The store: SessionBridge's state server ([MS-ASP] and Mono's Remoting protocol on one port), in memory.
            stack.StatePort = FreePort();
            stack.Start(StateServerName, DotNet, Path.Combine(AppContext.BaseDirectory, "SessionBridge.StateServer.dll"),
                "--port", stack.StatePort.ToString(CultureInfo.InvariantCulture), "--store", "memory");

            // 2. The legacy web.config, from its template: the legacy app and this app both read it.
            var template = await File.ReadAllTextAsync(Path.Combine(source, "web.config.template"), cancellationToken);
            var webConfig = template.Replace("__STATE_PORT__", stack.StatePort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Directory.CreateDirectory(Path.GetDirectoryName(webConfigPath)!);
            await File.WriteAllTextAsync(webConfigPath, webConfig, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(app, "web.config"), webConfig, cancellationToken);

            // 3. The legacy app: compiled with mcs, hosted by fastcgi-mono-server4 behind nginx.
            await RunToEndAsync(mcs!, cancellationToken, "-target:library", "-out:" + Path.Combine(app, "bin", "SideBySideLegacy.dll"),
                "-r:System.Web.dll", Path.Combine(source, "LegacyPages.cs"));
            var fastcgiPort = FreePort();
            var httpPort = FreePort();
            await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), NginxConfig(directory, app, httpPort, fastcgiPort), cancellationToken);
            stack.Start("fastcgi-mono-server4", fastcgi!, "/applications=/:" + app,
                "/socket=tcp:127.0.0.1:" + fastcgiPort.ToString(CultureInfo.InvariantCulture), "/printlog=false");
            stack.Start("nginx", nginx!, "-c", Path.Combine(directory, "nginx.conf"), "-p", directory);
            stack.LegacyAddress = new Uri($"http://127.0.0.1:{httpPort}/");

            await stack.WaitUntilListeningAsync([stack.StatePort, fastcgiPort, httpPort], cancellationToken);
        }
        catch
        {
            stack.Dispose();
            throw;
        }

        return stack;
    }

    /// <summary>Stops every child process by its id (and its children) and deletes the temporary folder.</summary>
    public void Dispose()
    {
        foreach (var (_, process, _) in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string NginxConfig(string directory, string app, int httpPort, int fastcgiPort) => $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{directory}}/nginx.pid;
        error_log {{directory}}/nginx-error.log;
        events { worker_connections 256; }
        http {
          access_log off;
          client_body_temp_path {{directory}}/body; fastcgi_temp_path {{directory}}/fcgi; proxy_temp_path {{directory}}/proxy;
          uwsgi_temp_path {{directory}}/uwsgi; scgi_temp_path {{directory}}/scgi;
          server {
            listen 127.0.0.1:{{httpPort}};
            root {{app}};
            location / {
              include /etc/nginx/fastcgi_params;
              fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
              fastcgi_param PATH_INFO "";
              fastcgi_read_timeout 120s;
              fastcgi_buffering off;
              fastcgi_pass 127.0.0.1:{{fastcgiPort}};
            }
          }
        }
        """;

    private async Task WaitUntilListeningAsync(int[] ports, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        while (!ports.All(Accepts))
        {
            if (_processes.FirstOrDefault(p => p.Process.HasExited) is { Process: not null } exited)
            {
                throw new InvalidOperationException($"{exited.Name} exited at start (code {exited.Process.ExitCode}):\n{exited.Output}");
            }

            if (timeout.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException("The legacy app or the state server did not start listening within 2 minutes.");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private void Start(string name, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process, output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    private static async Task RunToEndAsync(string file, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed (exit code {process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string DotNet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
