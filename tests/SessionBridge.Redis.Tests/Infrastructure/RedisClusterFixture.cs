using System.Diagnostics;
using System.Globalization;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>
/// A real 3-master Redis Cluster: three <c>redis-server --cluster-enabled yes</c> on free loopback ports, joined with
/// <c>redis-cli --cluster create … --cluster-yes</c>.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private readonly List<RedisServer> _nodes = [];

    public string Configuration => string.Join(',', _nodes.Select(n => n.Endpoint));

    public IReadOnlyList<RedisServer> Nodes => _nodes;

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _nodes.Add(RedisServer.Start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"));
        }

        var create = await RedisCliAsync(["--cluster", "create", .. _nodes.Select(n => n.Endpoint), "--cluster-replicas", "0", "--cluster-yes"]);
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({create.ExitCode}):\n{create.Output}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var node in _nodes)
        {
            while (true)
            {
                var info = await RedisCliAsync(["-p", node.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"]);
                if (info.Output.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"The cluster did not become ready:\n{info.Output}");
                }

                await Task.Delay(100);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<(int ExitCode, string Output)> RedisCliAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(RedisServer.Locate("redis-cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("redis-cli did not finish within 60 seconds.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
