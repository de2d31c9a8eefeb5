using System.Net;
using SessionBridge.Legacy.Stores;
using SessionBridge.Mono.EndToEnd.Tests.Infrastructure;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Mono.EndToEnd.Tests;

/// <summary>
/// The real System.Web application on Mono in <c>StateServer</c> mode against SessionBridge's state server on Redis
/// backing (<c>--store redis</c>), the server killed (SIGKILL) and started again in the middle of a session.
/// </summary>
public sealed class MonoRedisBackedServerTests
{
    [Fact(Timeout = 600_000)]
    public async Task RedisBackedServer_RestartedInTheMiddle_LosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var web = await MonoWebApp.StartAsync(server.Port);
        using var store = MonoStateServerStoreTests.Store(server.ConnectionString);
        using var browser = web.Client(new CookieContainer());

        var set = await browser.PostAsync("set", null, ct);
        var answer = await set.Content.ReadAsStringAsync(ct);
        Assert.True(set.IsSuccessStatusCode, answer);
        var id = answer["ok ".Length..].Trim();
        string last = string.Empty;
        for (var i = 0; i < 5; i++)
        {
            last = await (await browser.PostAsync("increment", null, ct)).Content.ReadAsStringAsync(ct);
        }

        Assert.Equal("5 " + id, last);

        // A crash of the state server, not a graceful stop; the same port afterwards, as a systemd restart gives.
        server.Kill();
        await server.StartAsync();

        Assert.Equal("6 " + id, await (await browser.PostAsync("increment", null, ct)).Content.ReadAsStringAsync(ct));
        Assert.Equal("System.String:from mono", await browser.GetStringAsync("read?key=MonoString", ct));
        Assert.Equal("LegacyApp.Models.Profile:Ann|3", await browser.GetStringAsync("read?key=MonoProfile", ct));

        // And the Core side, on the client store, sees the same session after the restart.
        var read = await store.GetItemAsync(id, exclusive: false, ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(6, read.Data!.Items["Count"]);
        Assert.Equal(7, read.Data.Items["MonoInt"]);
    }
}
