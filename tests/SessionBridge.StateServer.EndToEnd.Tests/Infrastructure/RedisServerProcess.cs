using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

/// <summary>A real <c>redis-server</c> on a free loopback port, without persistence to disk. Disposing stops it.</summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sessionbridge-e2e-redis-").FullName;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServerProcess(int port) => Port = port;

    public int Port { get; }

    public string Configuration => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static async Task<RedisServerProcess> StartAsync()
    {
        var server = new RedisServerProcess(Ports.Free());
        try
        {
            var start = new ProcessStartInfo(Locate())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = server._directory,
            };
            foreach (var argument in (string[])["--port", server.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", server._directory])
            {
                start.ArgumentList.Add(argument);
            }

            server._process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
            server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            var waited = Stopwatch.StartNew();
            while (!Ports.Accepts(server.Port))
            {
                if (server._process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(30))
                {
                    lock (server._output)
                    {
                        throw new InvalidOperationException($"redis-server did not come up on port {server.Port}:\n{server._output}");
                    }
                }

                await Task.Delay(20);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
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
                    _process.WaitForExit(10_000);
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

    private static string Locate()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server was not found on PATH; these tests need a real server: install it with: apt-get install -y redis-server");
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
