using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.DistributedCache.RedisTests.Infrastructure;
using SessionBridge.Legacy.Format;

namespace SessionBridge.DistributedCache.RedisTests;

/// <summary>redis-server stopped and started again (same port) under two running applications.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    public static TheoryData<CacheSetup> Setups => [CacheSetup.SharedConnection, CacheSetup.ConfigurationString];

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Setups))]
    public async Task RedisStopped_Answers503WithTheDocumentedProblem_AndRestarted_ServesTheSameSessionAgain(CacheSetup setup)
    {
        using var server = RedisServer.Start();
        await using var apps = new CacheApps(server);
        var a = await apps.StartAsync(setup, "app-a", o => o.StoreTimeout = TimeSpan.FromSeconds(3));
        var b = await apps.StartAsync(setup, "app-b", o => o.StoreTimeout = TimeSpan.FromSeconds(3));
        var id = SessionId.Create();
        Assert.Equal(1, await a.IncrementAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));

        server.Stop();
        foreach (var (app, method, path) in new[] { (a, HttpMethod.Post, "increment"), (b, HttpMethod.Get, "read") })
        {
            var (status, body, response) = await app.SendAsync(method, path, id);
            using (response)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("The session store is unavailable", body, StringComparison.Ordinal);
                Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            }

            output.WriteLine($"{method} /{path} while Redis is down: {(int)status} {body}");
        }

        server.Start();
        foreach (var app in new[] { a, b })
        {
            await Wait.UntilAsync(async () =>
            {
                var (status, body, response) = await app.SendAsync(HttpMethod.Get, "read", id);
                response.Dispose();
                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    return false;
                }

                Assert.Equal(HttpStatusCode.OK, status);
                return true;
            }, TimeSpan.FromSeconds(90), $"{app.Address} serving the session again after redis-server restarted");
        }

        // The server keeps nothing across a restart (no persistence): the session starts again, and both apps share it.
        Assert.Equal("none", await b.ReadAsync(id));
        Assert.Equal(1, await a.IncrementAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));
        Assert.Equal("2", await a.ReadAsync(id));
    }

    [Theory(Timeout = 180_000)]
    [MemberData(nameof(Setups))]
    public async Task RedisDownWhenTheAppsStart_TheyStartAndAnswer503_AndServeSessionsOnceRedisIsUp(CacheSetup setup)
    {
        using var server = RedisServer.Start();
        server.Stop(); // the port stays this server's, for starting it again below
        await using var apps = new CacheApps(server);
        var a = await apps.StartAsync(setup, "app-a", o => o.StoreTimeout = TimeSpan.FromSeconds(3));
        var b = await apps.StartAsync(setup, "app-b", o => o.StoreTimeout = TimeSpan.FromSeconds(3));
        var id = SessionId.Create();

        foreach (var app in new[] { a, b })
        {
            var (status, body, response) = await app.SendAsync(HttpMethod.Post, "increment", id);
            response.Dispose();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("The session store is unavailable", body, StringComparison.Ordinal);
        }

        server.Start();
        await Wait.UntilAsync(async () =>
        {
            var (status, _, response) = await a.SendAsync(HttpMethod.Post, "increment", id);
            response.Dispose();
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"POST /increment answered {(int)status}");
            return status == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(90), "app A serving the session once redis-server is up");
        await Wait.UntilAsync(async () =>
        {
            var (status, _, response) = await b.SendAsync(HttpMethod.Get, "read", id);
            response.Dispose();
            return status == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(90), "app B serving the session once redis-server is up");

        Assert.Equal("1", await b.ReadAsync(id));
        Assert.Equal(2, await b.IncrementAsync(id));
        Assert.Equal("2", await a.ReadAsync(id));
    }

    [Fact(Timeout = 120_000)]
    public async Task LockProviderFromAConfigurationString_RedisNotAnswering_TheFirstRequestIs503WithinStoreTimeout_NotHeldByTheConnect()
    {
        // A paused server accepts the connection but never answers the handshake, so a connect waits its whole
        // connectTimeout (here 10 minutes). Made synchronously when the store is first resolved, it held the first
        // request outside every deadline until the test's timeout; now the request answers 503 at StoreTimeout.
        using var server = RedisServer.Start();
        var configuration = $"{server.Endpoint},connectTimeout=600000";
        server.Pause();
        try
        {
            await using var app = await CacheApp.StartAsync(
                services => services.AddStackExchangeRedisCache(o => o.Configuration = server.Endpoint),
                session => session.AddRedisLockProvider(configuration),
                o => o.StoreTimeout = TimeSpan.FromSeconds(2));
            var id = SessionId.Create();

            var (status, body, response) = await app.SendAsync(HttpMethod.Post, "increment", id);
            response.Dispose();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("The session store is unavailable", body, StringComparison.Ordinal);

            server.Resume();
            await Wait.UntilAsync(async () =>
            {
                var (again, _, answer) = await app.SendAsync(HttpMethod.Post, "increment", id);
                answer.Dispose();
                return again == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), "the application serving the session once Redis answers");
        }
        finally
        {
            server.Resume();
        }
    }
}
