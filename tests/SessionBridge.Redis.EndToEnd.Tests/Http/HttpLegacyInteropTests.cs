using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Redis.EndToEnd.Tests.Http;

/// <summary>
/// The legacy application (the provider double, issuing Microsoft.Web.RedisSessionStateProvider's exact commands) and
/// the sample on the Redis store, over HTTP, share one Redis.
/// </summary>
public sealed class HttpLegacyInteropTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private const string App = "/interop";
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory => _factory!;

    private LegacyRedisProviderDouble Legacy => new(fixture.Connection, App);

    public ValueTask InitializeAsync()
    {
        _factory = RedisSampleFactory.Create(fixture.Server.Configuration, App);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhatTheLegacyAppWrites_TheSampleReadsOverHttp_AndKeepsWhatItDoesNotTouch()
    {
        var id = SessionId.Create();
        await Legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 41, ["UserName"] = "alice", ["LegacyOnly"] = 3.5 }, lockId: null, newItem: true);
        using var client = Factory.CreateClient(id);

        Assert.Equal("41", await client.GetStringAsync("counter", Ct));
        using (var whoami = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("whoami", Ct)))
        {
            Assert.Equal("alice", whoami.RootElement.GetProperty("name").GetString());
        }

        using var increment = await client.PostAsync("counter/increment", null, Ct);
        Assert.Equal("42", await increment.Content.ReadAsStringAsync(Ct));

        var legacy = await Legacy.GetItemAsync(id);
        Assert.True(legacy.Found);
        Assert.Equal(42, legacy.Items!["Count"]);
        Assert.Equal("alice", legacy.Items["UserName"]);
        Assert.Equal(3.5, legacy.Items["LegacyOnly"]);
    }

    [Fact]
    public async Task WhatTheSampleWritesOverHttp_TheLegacyAppReads()
    {
        using var client = Factory.CreateClient(sessionId: null);
        using var login = await client.PostAsync("login?user=bob", null, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var id = RedisSampleFactory.SessionIdFrom(login);
        client.DefaultRequestHeaders.Add("Cookie", $"ASP.NET_SessionId={id}");
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("counter/increment", null, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var legacy = await Legacy.GetItemExclusiveAsync(id);

        Assert.True(legacy.Found, "The legacy provider double found no session the sample wrote.");
        Assert.Equal("bob", legacy.Items!["UserName"]);
        Assert.Equal(2, legacy.Items["Count"]);
        Assert.Equal(20 * 60, legacy.TimeoutSeconds);
        await Legacy.ReleaseItemExclusiveAsync(id, legacy.LockId!);
    }

    [Fact]
    public async Task TheLegacyAppsLock_BlocksTheSamplesWriter_UntilItReleases()
    {
        var id = SessionId.Create();
        await Legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 5 }, lockId: null, newItem: true);
        var held = await Legacy.GetItemExclusiveAsync(id);
        Assert.True(held.Found);
        using var client = Factory.CreateClient(id);

        var increment = client.PostAsync("counter/increment", null, Ct);
        await Wait.UntilAsync(() => fixture.Database.KeyExistsAsync($"{{{App}_{id}}}_SessionBridgeWaiting"), TimeSpan.FromSeconds(30),
            "the sample's request finding the session locked by the legacy app");
        Assert.False(increment.IsCompleted, "The sample's writer ran while the legacy app held the lock.");

        held.Items!["Count"] = 10;
        await Legacy.SetAndReleaseItemExclusiveAsync(id, held.Items, held.LockId, newItem: false);

        using var response = await increment;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("11", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(11, (await Legacy.GetItemAsync(id)).Items!["Count"]);
    }

    [Fact]
    public async Task TheSamplesLock_BlocksTheLegacyApp_UntilTheRequestEnds()
    {
        var id = SessionId.Create();
        await Legacy.SetAndReleaseItemExclusiveAsync(id, new SessionStateItemCollection { ["Count"] = 1 }, lockId: null, newItem: true);
        using var client = Factory.CreateClient(id);

        var slow = client.GetAsync("slow?ms=8000", Ct);
        await Wait.UntilAsync(() => fixture.Database.KeyExistsAsync($"{{{App}_{id}}}_WriteLock"), TimeSpan.FromSeconds(30),
            "the sample's request taking the session's lock");
        var whileHeld = await Legacy.GetItemExclusiveAsync(id);
        var readWhileHeld = await Legacy.GetItemAsync(id);

        Assert.True(whileHeld.IsLocked, "The legacy app took the lock the sample holds.");
        Assert.True(readWhileHeld.IsLocked, "The legacy app's read did not see the sample's lock.");
        Assert.InRange(whileHeld.LockAge, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        using var done = await slow;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var after = await Legacy.GetItemExclusiveAsync(id);
        Assert.True(after.Found, "The legacy app could not lock the session after the sample released it.");
        await Legacy.ReleaseItemExclusiveAsync(id, after.LockId!);
    }
}
