using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace SessionBridge.DistributedCache.RedisTests.Infrastructure;

/// <summary>How an application wires Microsoft's RedisCache and SessionBridge's Redis lock provider.</summary>
public enum CacheSetup
{
    /// <summary>One <see cref="IConnectionMultiplexer"/> per application, used by RedisCache (<c>ConnectionMultiplexerFactory</c>) and the lock provider.</summary>
    SharedConnection,

    /// <summary>A configuration string each for RedisCache and the lock provider, each making its own connection.</summary>
    ConfigurationString,
}

/// <summary>Starts applications in a <see cref="CacheSetup"/> and owns the connections it made for them.</summary>
public sealed class CacheApps(RedisServer server) : IAsyncDisposable
{
    /// <summary>RedisCache's <c>InstanceName</c>: a session's cache key is this, the store's <c>SessionBridge:</c> prefix and the ID.</summary>
    public const string InstanceName = "app:";

    private readonly List<CacheApp> _apps = [];
    private readonly List<ConnectionMultiplexer> _connections = [];

    public static string CacheKey(string sessionId) => InstanceName + "SessionBridge:" + sessionId;

    public static string LockKey(string sessionId) => "SessionBridge:Lock:{" + sessionId + "}";

    public static string WaitingKey(string sessionId) => LockKey(sessionId) + ":Waiting";

    /// <summary>Starts one application; <paramref name="clientName"/> names its Redis connections (CLIENT LIST).</summary>
    public async Task<CacheApp> StartAsync(CacheSetup setup, string clientName, Action<LegacySessionOptions>? configure = null, string? extraConfiguration = null)
    {
        var configuration = $"{server.Endpoint},name={clientName}{extraConfiguration}";
        CacheApp app;
        if (setup == CacheSetup.SharedConnection)
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            var connection = await ConnectionMultiplexer.ConnectAsync(options);
            _connections.Add(connection);
            app = await CacheApp.StartAsync(
                services =>
                {
                    services.AddSingleton<IConnectionMultiplexer>(connection);
                    services.AddStackExchangeRedisCache(o =>
                    {
                        o.InstanceName = InstanceName;
                        o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection);
                    });
                },
                session => session.AddRedisLockProvider(services => services.GetRequiredService<IConnectionMultiplexer>()),
                configure);
        }
        else
        {
            app = await CacheApp.StartAsync(
                services => services.AddStackExchangeRedisCache(o =>
                {
                    o.InstanceName = InstanceName;
                    o.Configuration = configuration;
                }),
                session => session.AddRedisLockProvider(configuration),
                configure);
        }

        _apps.Add(app);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.CloseAsync(false);
            connection.Dispose();
        }
    }
}
