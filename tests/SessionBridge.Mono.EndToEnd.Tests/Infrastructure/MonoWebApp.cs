using System.Diagnostics;
using System.Globalization;
using System.Net;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Mono.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The System.Web application of tests/MonoLegacyApp compiled with Mono's mcs, hosted by fastcgi-mono-server4 behind
/// nginx (configuration in a temp folder, 127.0.0.1 on free ports, non-daemon), in <c>StateServer</c> mode pointed at
/// the given state server. Disposing stops both processes by their ids.
/// </summary>
public sealed class MonoWebApp : IDisposable
{
    public const string InstallHint =
        "The Mono end-to-end tests need Mono's System.Web host and nginx: `apt-get install mono-complete mono-xsp4 mono-fastcgi-server4 nginx-light` (test.sh does it when missing).";

    private readonly string _directory;
    private readonly List<Process> _processes = [];

    private MonoWebApp(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MonoWebApp> StartAsync(int statePort)
    {
        var mcs = Which("mcs") ?? throw new InvalidOperationException("`mcs` was not found. " + InstallHint);
        var fastcgi = Which("fastcgi-mono-server4") ?? throw new InvalidOperationException("`fastcgi-mono-server4` was not found. " + InstallHint);
        var nginx = Which("nginx") ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : throw new InvalidOperationException("`nginx` was not found. " + InstallHint));
        var source = Path.Combine(SourceDirectory(), "tests", "MonoLegacyApp");
        var directory = Path.Combine(Path.GetTempPath(), "sb-monoapp-" + Guid.NewGuid().ToString("N"));
        var app = Path.Combine(directory, "app");
        Directory.CreateDirectory(Path.Combine(app, "bin"));
        var fastcgiPort = Ports.Free();
        var port = Ports.Free();
        var web = new MonoWebApp(directory, port);
        try
        {
            await RunToEndAsync(mcs, "-target:library", "-out:" + Path.Combine(app, "bin", "MonoLegacyApp.dll"), "-r:System.Web.dll", Path.Combine(source, "Handlers.cs"));
            var config = await File.ReadAllTextAsync(Path.Combine(source, "web.config.template"));
            await File.WriteAllTextAsync(Path.Combine(app, "web.config"), config.Replace("__STATE_PORT__", statePort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            var nginxConfig = $$"""
                daemon off;
                master_process off;
                worker_processes 1;
                pid {{directory}}/nginx.pid;
                error_log {{directory}}/nginx-error.log;
                events { worker_connections 512; }
                http {
                  access_log off;
                  client_body_temp_path {{directory}}/body; fastcgi_temp_path {{directory}}/fcgi; proxy_temp_path {{directory}}/proxy;
                  uwsgi_temp_path {{directory}}/uwsgi; scgi_temp_path {{directory}}/scgi;
                  server {
                    listen 127.0.0.1:{{port}};
                    root {{app}};
                    location / {
                      include /etc/nginx/fastcgi_params;
                      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                      fastcgi_param PATH_INFO "";
                      fastcgi_read_timeout 120s;
                      fastcgi_pass 127.0.0.1:{{fastcgiPort}};
                    }
                  }
                }
                """;
            await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), nginxConfig);
            web.Start(fastcgi, "/applications=/:" + app, "/socket=tcp:127.0.0.1:" + fastcgiPort.ToString(CultureInfo.InvariantCulture), "/printlog=false");
            web.Start(nginx, "-c", Path.Combine(directory, "nginx.conf"), "-p", directory);
            var waited = Stopwatch.StartNew();
            while (!Ports.Accepts(port) || !Ports.Accepts(fastcgiPort))
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(120) || web._processes.Any(p => p.HasExited))
                {
                    throw new InvalidOperationException("The Mono web application did not come up (fastcgi-mono-server4 + nginx).");
                }

                await Task.Delay(100);
            }
        }
        catch
        {
            web.Dispose();
            throw;
        }

        return web;
    }

    /// <summary>A client with its own cookie jar (one browser).</summary>
    public HttpClient Client(CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{Port}/"),
            Timeout = TimeSpan.FromSeconds(120),
        };

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(30_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static async Task RunToEndAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "MonoLegacyApp", "Handlers.cs")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("tests/MonoLegacyApp was not found above the test binaries.");
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
