using System.Globalization;
using System.Net;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;
using static SessionBridge.StateServer.EndToEnd.Tests.Infrastructure.SampleOnStateServer;

namespace SessionBridge.StateServer.EndToEnd.Tests.Middleware;

/// <summary>The sample on the StateServer store against our state server, a real process on a real socket.</summary>
public sealed class SampleOnStateServerTests(MemoryStateServerFixture fixture) : IClassFixture<MemoryStateServerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task HundredConcurrentIncrements_OnOneSession_CountExactlyHundred()
    {
        using var factory = Create(fixture.Server.ConnectionString);
        using var client = CookieClient(factory);
        var id = await LoginAsync(client, Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var values = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(Token)));
        Assert.Equal(Enumerable.Range(1, 100), values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order());
        Assert.Equal("100", await (await SendAsync(client, HttpMethod.Get, "/counter", id, Token)).Content.ReadAsStringAsync(Token));
        Assert.Equal("alice", await (await SendAsync(client, HttpMethod.Get, "/whoami", id, Token)).Content.ReadAsStringAsync(Token));
    }

    [Fact(Timeout = 300_000)]
    public async Task Increment_WhileSlowHoldsTheLock_WaitsUntilItIsReleased()
    {
        using var factory = Create(fixture.Server.ConnectionString);
        using var client = CookieClient(factory);
        using var probe = Probe();
        var id = await LoginAsync(client, Token);

        var slow = SendAsync(client, HttpMethod.Get, "/slow?ms=3000", id, Token);
        var slowLock = await WaitForLockAsync(probe, id);
        var increment = SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token);

        // As long as the state server still shows /slow's lock, the increment cannot have run.
        var checks = 0;
        while ((await probe.GetItemAsync(id, exclusive: false, Token)) is { Status: SessionStoreStatus.Locked } r && r.LockId == slowLock)
        {
            Assert.False(increment.IsCompleted, "the increment finished while /slow still held the session's lock");
            checks++;
            await Task.Delay(20, Token);
        }

        Assert.True(checks > 0);
        Assert.Equal(HttpStatusCode.OK, (await slow).StatusCode);
        var incremented = await increment;
        Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
        Assert.Equal("1", await incremented.Content.ReadAsStringAsync(Token));
        Assert.Equal("1", await (await SendAsync(client, HttpMethod.Get, "/counter", id, Token)).Content.ReadAsStringAsync(Token));
    }

    [Fact(Timeout = 300_000)]
    public async Task Increment_WhenTheHolderNeverReleases_StealsTheLockAfterExecutionTimeout()
    {
        using var factory = Create(fixture.Server.ConnectionString, new Dictionary<string, string> { ["LegacySession:ExecutionTimeout"] = "00:00:01" });
        using var client = CookieClient(factory);
        using var holder = Probe();
        var id = await LoginAsync(client, Token);

        // A "legacy web server" takes the lock and dies: it never releases it.
        var held = await holder.GetItemAsync(id, exclusive: true, Token);
        Assert.Equal(SessionStoreStatus.Found, held.Status);
        Assert.Equal(SessionStoreStatus.Locked, (await holder.GetItemAsync(id, exclusive: false, Token)).Status);

        var incremented = await SendAsync(client, HttpMethod.Post, "/counter/increment", id, Token);

        Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
        Assert.Equal("1", await incremented.Content.ReadAsStringAsync(Token));
        var after = await holder.GetItemAsync(id, exclusive: false, Token);
        Assert.Equal(SessionStoreStatus.Found, after.Status);
        Assert.Equal(1, after.Data!.Items["Count"]);
        Assert.Equal("alice", after.Data.Items["UserName"]);
    }

    [Fact(Timeout = 300_000)]
    public async Task UnknownSessionId_IsCreatedUninitialized_ThenWritten()
    {
        using var factory = Create(fixture.Server.ConnectionString);
        using var client = CookieClient(factory);
        const string Id = "abcdefghijklmnopqrstu012";

        var first = await SendAsync(client, HttpMethod.Post, "/counter/increment", Id, Token);
        var second = await SendAsync(client, HttpMethod.Post, "/counter/increment", Id, Token);

        Assert.Equal("1", await first.Content.ReadAsStringAsync(Token));
        Assert.Equal("2", await second.Content.ReadAsStringAsync(Token));
    }

    [Fact(Timeout = 300_000)]
    public async Task UnreachableStateServer_Answers503_WithAClearMessage()
    {
        using var factory = Create("tcpip=127.0.0.1:" + Ports.Free().ToString(CultureInfo.InvariantCulture));
        using var client = CookieClient(factory);

        var response = await SendAsync(client, HttpMethod.Post, "/counter/increment", "abcdefghijklmnopqrstu012", Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The session store is unavailable", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    private StateServerSessionStore Probe() => new(new StateServerStoreOptions
    {
        ConnectionString = fixture.Server.ConnectionString,
        ApplicationId = SampleOnStateServer.ApplicationId,
    });

    private static async Task<string> WaitForLockAsync(StateServerSessionStore probe, string id)
    {
        while (true)
        {
            var result = await probe.GetItemAsync(id, exclusive: false, Token);
            if (result.Status == SessionStoreStatus.Locked)
            {
                return result.LockId!;
            }

            await Task.Delay(10, Token);
        }
    }
}
