using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.Tests.Infrastructure;

namespace SessionBridge.Redis.Tests.Http;

/// <summary>
/// The sample with <c>LegacySession:Store=Redis</c> against the legacy-provider double on the same redis-server, over
/// HTTP: what the legacy app wrote the sample reads, what the sample writes the legacy app reads, and their locks
/// order each other's requests.
/// </summary>
public sealed class SampleOverRedisInteropTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program> Sample() => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
        .UseSetting("LegacySession:Store", "Redis")
        .UseSetting("LegacySession:Redis:Configuration", fixture.Server.Endpoint)
        .UseSetting("LegacySession:ApplicationName", "/"));

    private static HttpRequestMessage Request(HttpMethod method, string path, string sessionId)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", "ASP.NET_SessionId=" + sessionId);
        return request;
    }

    [Fact(Timeout = 120_000)]
    public async Task LegacyWrites_SampleReadsAndIncrements_LegacyReadsBack()
    {
        await using var factory = Sample();
        using var client = factory.CreateClient();
        var legacy = new LegacyRedisProviderDouble(fixture.Connection);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 5 }, null, newItem: true);

        using var read = await client.SendAsync(Request(HttpMethod.Get, "/counter", id), Ct);
        Assert.Equal("5", await read.Content.ReadAsStringAsync(Ct));

        using var increment = await client.SendAsync(Request(HttpMethod.Post, "/counter/increment", id), Ct);
        Assert.Equal(HttpStatusCode.OK, increment.StatusCode);
        Assert.Equal("6", await increment.Content.ReadAsStringAsync(Ct));

        var back = await legacy.GetItemExclusiveAsync(id);
        Assert.True(back.Found);
        Assert.Equal(6, back.Items!["Count"]);
        await legacy.ReleaseItemExclusiveAsync(id, back.LockId!);
    }

    [Fact(Timeout = 120_000)]
    public async Task LegacyLock_HoldsTheSampleBack_UntilLegacyReleases()
    {
        await using var factory = Sample();
        using var client = factory.CreateClient();
        var legacy = new LegacyRedisProviderDouble(fixture.Connection);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 1 }, null, newItem: true);
        var held = await legacy.GetItemExclusiveAsync(id);

        var increment = client.SendAsync(Request(HttpMethod.Post, "/counter/increment", id), Ct);

        // Wait until the sample has found the session locked (it leaves its waiting flag) and is still waiting.
        var flag = "{/_" + id + "}_SessionBridgeWaiting";
        for (var i = 0; i < 1200 && !await fixture.Database.KeyExistsAsync(flag); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.True(await fixture.Database.KeyExistsAsync(flag), "the sample never found the session locked");
        Assert.False(increment.IsCompleted);
        held.Items!["Count"] = 10;
        await legacy.SetAndReleaseItemExclusiveAsync(id, held.Items, held.LockId, newItem: false);

        using var response = await increment;
        Assert.Equal("11", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task SampleLock_BlocksTheLegacyWriter()
    {
        await using var factory = Sample();
        using var client = factory.CreateClient();
        var legacy = new LegacyRedisProviderDouble(fixture.Connection);
        var id = SessionId.Create();
        await legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 1 }, null, newItem: true);

        // 20 increments from the sample and 20 from the legacy app, interleaved: with the locks honoured, none is lost.
        var sampleSide = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                using var response = await client.SendAsync(Request(HttpMethod.Post, "/counter/increment", id), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }, Ct);
        var legacySide = Task.Run(async () =>
        {
            for (var done = 0; done < 20;)
            {
                var attempt = await legacy.GetItemExclusiveAsync(id);
                if (attempt.IsLocked)
                {
                    await Task.Delay(5, Ct); // the real module polls every 500 ms; shorter here only to keep the test quick
                    continue;
                }

                attempt.Items!["Count"] = (int)attempt.Items["Count"]! + 1;
                await legacy.SetAndReleaseItemExclusiveAsync(id, attempt.Items, attempt.LockId, newItem: false);
                done++;
            }
        }, Ct);
        await Task.WhenAll(sampleSide, legacySide);

        var final = await legacy.GetItemAsync(id);
        Assert.Equal(41, final.Items!["Count"]);
    }
}
