using StackExchange.Redis;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>One redis-server per test class, with an admin connection for inspecting keys.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IDatabase Database => Connection.GetDatabase();

    public IServer Admin => Connection.GetServer(Server.Endpoint);

    public async ValueTask InitializeAsync()
    {
        _server = RedisServer.Start();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync(false);
            _connection.Dispose();
        }

        _server?.Dispose();
    }

    /// <summary>How often each command ran so far (<c>INFO commandstats</c>), e.g. <c>["eval"] = 3</c>.</summary>
    public async Task<Dictionary<string, long>> CommandStatsAsync()
    {
        var stats = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in await Admin.InfoAsync("commandstats"))
        {
            foreach (var pair in group)
            {
                // cmdstat_eval: calls=3,usec=...,usec_per_call=...
                var name = pair.Key.StartsWith("cmdstat_", StringComparison.Ordinal) ? pair.Key["cmdstat_".Length..] : pair.Key;
                var calls = pair.Value.Split(',').First(p => p.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
                stats[name] = long.Parse(calls, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return stats;
    }
}
