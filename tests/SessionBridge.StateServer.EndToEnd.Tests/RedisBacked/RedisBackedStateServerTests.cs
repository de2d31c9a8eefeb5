using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;
using static SessionBridge.StateServer.EndToEnd.Tests.Infrastructure.SampleOnStateServer;

namespace SessionBridge.StateServer.EndToEnd.Tests.RedisBacked;

/// <summary>
/// <c>--store redis</c>: the state server process keeps items in a real redis-server (provider v5 layout), so killing
/// and restarting it loses nothing, and a Core app's Redis store sees the same sessions.
/// </summary>
public sealed class RedisBackedStateServerTests
{
    private const int Sessions = 8;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task KillAndRestart_UnderLoad_LosesNoAcknowledgedIncrement_AndOutageRequestsFailCleanly()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var factory = Create(server.ConnectionString, new Dictionary<string, string>
        {
            // A lock held by a request the kill cut off stays in Redis: steal it soon.
            ["LegacySession:ExecutionTimeout"] = "00:00:02",
            ["LegacySession:StateServer:NetworkTimeout"] = "00:00:05",
            ["LegacySession:StateServer:BreakDuration"] = "00:00:01",
        });
        using var client = CookieClient(factory);
        var ids = new List<string>();
        for (var i = 0; i < Sessions; i++)
        {
            ids.Add(await LoginAsync(client, Token));
        }

        var acks = ids.ToDictionary(id => id, _ => new ConcurrentQueue<int>());
        var failures = new ConcurrentQueue<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var workers = ids.Select(id => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpResponseMessage response;
                try
                {
                    response = await SendAsync(client, HttpMethod.Post, "/counter/increment", id, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    failures.Enqueue(0);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acks[id].Enqueue(int.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None), CultureInfo.InvariantCulture));
                }
                else
                {
                    failures.Enqueue(response.StatusCode);
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        })).ToList();

        try
        {
            await WaitUntilAsync(() => acks.Values.All(q => q.Count >= 5), "every session acknowledged 5 increments", server);
            server.Kill();
            var ackedBeforeRestart = acks.ToDictionary(p => p.Key, p => p.Value.IsEmpty ? 0 : p.Value.Max());
            await WaitUntilAsync(() => failures.Count >= Sessions, "requests failed during the outage", server);

            await server.StartAsync();
            var countsAtRestart = acks.ToDictionary(p => p.Key, p => p.Value.Count);
            await WaitUntilAsync(() => acks.All(p => p.Value.Count >= countsAtRestart[p.Key] + 5), "every session acknowledged 5 increments after the restart", server);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            Assert.All(failures, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
            foreach (var id in ids)
            {
                var acknowledged = acks[id].ToArray();
                var final = int.Parse(await (await SendAsync(client, HttpMethod.Get, "/counter", id, Token)).Content.ReadAsStringAsync(Token), CultureInfo.InvariantCulture);

                // Each session's increments are sequential: acknowledged values rise, and none went back after the restart.
                Assert.Equal(acknowledged.Order(), acknowledged);
                Assert.Equal(acknowledged.Length, acknowledged.Distinct().Count());
                Assert.All(acknowledged.Skip(countsAtRestart[id]), v => Assert.True(v > ackedBeforeRestart[id], $"value {v} after the restart is not above {ackedBeforeRestart[id]} acknowledged before the kill"));
                Assert.True(final >= acknowledged.Max());
                using var whoami = System.Text.Json.JsonDocument.Parse(await (await SendAsync(client, HttpMethod.Get, "/whoami", id, Token)).Content.ReadAsStringAsync(Token));
                Assert.Equal("alice", whoami.RootElement.GetProperty("name").GetString());
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Sessions_AreInTheRedisProviderLayout_WhereACoreRedisStoreSeesThem()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var factory = Create(server.ConnectionString);
        using var client = CookieClient(factory);
        var id = await LoginAsync(client, Token);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token)).StatusCode);
        }

        await using var store = new RedisSessionStore(new RedisSessionStoreOptions { Configuration = redis.Endpoint, ApplicationName = SampleOnStateServer.ApplicationId });
        var read = await store.GetItemAsync(id, exclusive: false, Token);

        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(3, read.Data!.Items["Count"]);
        Assert.Equal("alice", read.Data.Items["UserName"]);
        Assert.Equal(20, read.Data.Timeout);

        // And the other way: a Core app writes through the Redis store, the state server's client reads it.
        var locked = await store.GetItemAsync(id, exclusive: true, Token);
        locked.Data!.Items["Count"] = 41;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Token));
        Assert.Equal("42", await (await SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token)).Content.ReadAsStringAsync(Token));
    }

    [Fact(Timeout = 300_000)]
    public async Task RedisDown_StateServerClosesTheConnection_AndTheAppAnswers503()
    {
        var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var factory = Create(server.ConnectionString);
        using var client = CookieClient(factory);
        var id = await LoginAsync(client, Token);
        redis.Dispose();

        var response = await SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The session store is unavailable", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, StateServerProcess server)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), $"Not reached: {what}. State server output:\n{server.Output}");
            await Task.Delay(20, Token);
        }
    }
}
