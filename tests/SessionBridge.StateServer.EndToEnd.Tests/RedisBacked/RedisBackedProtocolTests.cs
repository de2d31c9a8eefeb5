using System.Globalization;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.StateServer.EndToEnd.Tests.RedisBacked;

/// <summary>
/// The state server semantics over the Redis backing, driven by the state server client store (the requests
/// System.Web sends): uninitialized items and ActionFlags, lock cookies, stale cookies, removal, restarts.
/// </summary>
public sealed class RedisBackedProtocolTests
{
    private const string ApplicationId = "/LM/W3SVC/2/ROOT/Shop";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task UninitializedItem_ReportsInitializeItemOnce_AndNeverOverwritesAnItem()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var client = Client(server);
        const string Id = "uninitializeditem0000000";

        await client.CreateUninitializedItemAsync(Id, 20, Token);
        var first = await client.GetItemAsync(Id, exclusive: true, Token);
        Assert.Equal(SessionStoreStatus.Found, first.Status);
        Assert.Equal(SessionStateActions.InitializeItem, first.Actions);
        Assert.Empty(first.Data!.Items.Keys);
        first.Data.Items["Cart"] = "3 books";
        Assert.True(await client.SetAndReleaseItemExclusiveAsync(Id, first.Data, first.LockId, newItem: false, Token));

        await client.CreateUninitializedItemAsync(Id, 20, Token);
        var second = await client.GetItemAsync(Id, exclusive: false, Token);
        Assert.Equal(SessionStateActions.None, second.Actions);
        Assert.Equal("3 books", second.Data!.Items["Cart"]);
    }

    [Fact(Timeout = 300_000)]
    public async Task Locks_OnlyTheHoldersCookieWritesOrReleases_AndSurviveARestartOfTheServer()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var a = Client(server);
        using var b = Client(server);
        const string Id = "lockedsession00000000000";
        var data = new SessionStateData(20);
        data.Items["Count"] = 1;
        Assert.True(await a.SetAndReleaseItemExclusiveAsync(Id, data, lockId: null, newItem: true, Token));

        var held = await a.GetItemAsync(Id, exclusive: true, Token);
        Assert.Equal(SessionStoreStatus.Found, held.Status);
        var seenByB = await b.GetItemAsync(Id, exclusive: true, Token);
        Assert.Equal(SessionStoreStatus.Locked, seenByB.Status);
        Assert.Equal(held.LockId, seenByB.LockId);

        var wrong = ((int.Parse(held.LockId!, CultureInfo.InvariantCulture) + 1) & int.MaxValue).ToString(CultureInfo.InvariantCulture);
        await b.ReleaseItemExclusiveAsync(Id, wrong, Token);
        Assert.Equal(SessionStoreStatus.Locked, (await b.GetItemAsync(Id, exclusive: false, Token)).Status);
        var stale = new SessionStateData(20);
        stale.Items["Count"] = 99;
        Assert.False(await b.SetAndReleaseItemExclusiveAsync(Id, stale, wrong, newItem: false, Token));

        // A write without a cookie (a "new item") never replaces a locked item.
        Assert.False(await b.SetAndReleaseItemExclusiveAsync(Id, stale, lockId: null, newItem: true, Token));

        // The cookie is derived from the lock in Redis, not remembered by the process: a restart keeps it valid.
        server.Kill();
        await server.StartAsync();
        held.Data!.Items["Count"] = 2;
        Assert.True(await a.SetAndReleaseItemExclusiveAsync(Id, held.Data, held.LockId, newItem: false, Token));

        var read = await b.GetItemAsync(Id, exclusive: false, Token);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(2, read.Data!.Items["Count"]);
    }

    [Fact(Timeout = 300_000)]
    public async Task Remove_WithTheHoldersCookie_DeletesTheItem_AndAnotherCookieDoesNot()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync("--store", "redis", "--redis", redis.Endpoint);
        using var client = Client(server);
        const string Id = "removedsession0000000000";
        Assert.True(await client.SetAndReleaseItemExclusiveAsync(Id, new SessionStateData(20), lockId: null, newItem: true, Token));
        var held = await client.GetItemAsync(Id, exclusive: true, Token);

        var wrong = ((int.Parse(held.LockId!, CultureInfo.InvariantCulture) + 1) & int.MaxValue).ToString(CultureInfo.InvariantCulture);
        await client.RemoveItemAsync(Id, wrong, Token);
        Assert.Equal(SessionStoreStatus.Locked, (await client.GetItemAsync(Id, exclusive: false, Token)).Status);

        await client.RemoveItemAsync(Id, held.LockId!, Token);
        Assert.Equal(SessionStoreStatus.NotFound, (await client.GetItemAsync(Id, exclusive: false, Token)).Status);
        await client.ResetItemTimeoutAsync(Id, Token);
    }

    [Fact(Timeout = 300_000)]
    public async Task RedisSettings_FromTheEnvironment_KeepItemsAcrossARestart()
    {
        using var redis = RedisServer.Start();
        using var server = await StateServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["StateServer__Store"] = "redis",
            ["StateServer__Redis"] = redis.Endpoint,
        });
        using var client = Client(server);
        const string Id = "environmentsession000000";
        var data = new SessionStateData(20);
        data.Items["UserName"] = "bob";
        Assert.True(await client.SetAndReleaseItemExclusiveAsync(Id, data, lockId: null, newItem: true, Token));

        server.Kill();
        await server.StartAsync();

        var read = await client.GetItemAsync(Id, exclusive: false, Token);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal("bob", read.Data!.Items["UserName"]);
    }

    private static StateServerSessionStore Client(StateServerProcess server) => new(new StateServerStoreOptions
    {
        ConnectionString = server.ConnectionString,
        ApplicationId = ApplicationId,
        BreakDuration = TimeSpan.FromSeconds(1),
    });
}
