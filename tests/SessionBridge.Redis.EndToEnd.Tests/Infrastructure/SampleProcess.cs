using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built sample app run as its own process (<c>dotnet SessionBridge.Sample.dll --urls … --LegacySession:…</c>) on a
/// free loopback port. Disposing kills it.
/// </summary>
public sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(int port, IEnumerable<string> settings)
    {
        Port = port;
        var dll = LocateSample();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the sample.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

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

    /// <summary>Starts the sample on the Redis store and waits until <c>/health</c> answers 200.</summary>
    public static async Task<SampleProcess> StartAsync(string redisConfiguration, string applicationName, params string[] extraSettings)
    {
        var sample = new SampleProcess(RedisServer.FreePort(),
        [
            "--LegacySession:Store=Redis",
            $"--LegacySession:Redis:Configuration={redisConfiguration}",
            $"--LegacySession:ApplicationName={applicationName}",
            "--Logging:LogLevel:Default=Warning",
            .. extraSettings,
        ]);
        try
        {
            await sample.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            return sample;
        }
        catch
        {
            sample.Dispose();
            throw;
        }
    }

    public HttpClient CreateClient(string? sessionId = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (sessionId is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", $"ASP.NET_SessionId={sessionId}");
        }

        return client;
    }

    /// <summary>Kills the process at once (as a crash would) and waits until it is gone.</summary>
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

    private async Task WaitUntilHealthyAsync(TimeSpan limit)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sample exited with code {_process.ExitCode} before answering:\n{Output}");
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
                throw new TimeoutException($"The sample on port {Port} did not answer /health within {limit.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string LocateSample()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SessionBridge.sln")))
            {
                var dll = Path.Combine(dir.FullName, "samples", "SessionBridge.Sample", "bin", configuration, "net10.0", "SessionBridge.Sample.dll");
                if (File.Exists(dll))
                {
                    return dll;
                }

                throw new FileNotFoundException($"The built sample was not found at {dll}; build the tests (they reference the sample) in {configuration}.");
            }
        }

        throw new DirectoryNotFoundException("The repository root (SessionBridge.sln) was not found above the test binaries.");
    }
}
