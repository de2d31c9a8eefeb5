using System.Text;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Tests.MonoStateServer;
using SessionBridge.Redis;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.Redis;
using SessionBridge.StateServer.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionBridge.StateServer.Tests.Redis;

/// <summary>
/// The state server on Redis backing (both protocols) against a real redis-server: one script per request, the bytes a
/// client sent are the bytes stored and answered, the provider v5 layout a Core Redis store reads, and Mono items that
/// survive a restart of the server.
/// </summary>
public sealed class RedisBackingTests
{
    private const string ApplicationId = "/LM/W3SVC/1/ROOT/Shop";
    private const string MonoId = "0EFB13FCD270B431CB7A1B84";

    // timeout 20, items {UserName: "alice", Count: 3}, no static objects, end marker (legacy-session-format.md §1.1).
    private static readonly byte[] s_blob = Convert.FromHexString("14000000010002000000FFFFFFFF08557365724E616D6505436F756E74070000000C0000000105616C6963650203000000FF");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cookie_ComputedInsideTheScripts_IsTheFnvHashOfTheLockValuesBytes()
    {
        using var redis = RedisServer.Start();
        await using var connection = new StateServerRedis(redis.Endpoint, TimeSpan.FromSeconds(10));
        foreach (var value in new[] { string.Empty, "0", "639001234567890123", "9223372036854775807", "not a tick count", "é€\u0001" })
        {
            var lua = (long)await connection.EvaluateAsync(StateServerRedisScripts.CookieOf, [], [value], Token);
            Assert.Equal(RedisStateServerBackend.Cookie(value), lua);
        }
    }

    [Fact]
    public async Task MsAsp_Get_AnswersTheBytesThePutSent_AndRedisHoldsTheItemsInTheProviderLayout()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var connection = await RawConnection.OpenAsync(server.Port);
        const string Id = "bytesassentbytesassent00";

        Assert.Equal(200, (await ExchangeAsync(connection, Put(Id, s_blob))).Status);
        var read = await ExchangeAsync(connection, Get(Id));

        Assert.Equal(200, read.Status);
        Assert.Equal(20, read.Timeout);
        Assert.Equal(s_blob, read.Body.ToArray());

        // The data key holds the bare item collection exactly as sent (bytes 6..^1 of the blob): what the provider and
        // SessionBridge's Redis store read.
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var keys = RedisSessionKeys.Create(ApplicationId, Id, RedisKeyLayout.V5);
        Assert.Equal(s_blob[6..^1], (byte[])(await mux.GetDatabase().StringGetAsync(keys.Data))!);
        Assert.Equal("1200", (string?)await mux.GetDatabase().StringGetAsync(keys.Timeout));
        await using var store = new RedisSessionStore(new RedisSessionStoreOptions { Configuration = redis.Endpoint, ApplicationName = ApplicationId });
        var fromStore = await store.GetItemAsync(Id, exclusive: false, Token);
        Assert.Equal("alice", fromStore.Data!.Items["UserName"]);
        Assert.Equal(3, fromStore.Data.Items["Count"]);
    }

    [Fact]
    public async Task MsAsp_StaticObjectsSection_IsKeptAsSent_AndAnsweredBack()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var connection = await RawConnection.OpenAsync(server.Port);
        const string Id = "staticobjectsstaticobjec";

        // One static object not yet created: name "cart", not instantiated, type name "Shop.Cart", no late binding.
        var staticObjects = Convert.FromHexString("0100000004636172740009" + Convert.ToHexString(Encoding.ASCII.GetBytes("Shop.Cart")) + "00");
        byte[] blob = [.. s_blob[..5], 1, .. s_blob[6..^1], .. staticObjects, 0xFF];
        Assert.Equal(200, (await ExchangeAsync(connection, Put(Id, blob))).Status);

        var read = await ExchangeAsync(connection, Get(Id));
        Assert.Equal(blob, read.Body.ToArray());
        var data = SessionStateSerializer.Deserialize(read.Body);
        Assert.Equal("cart", Assert.Single(data.StaticObjects!.Entries).Name);
    }

    [Fact]
    public async Task MsAsp_CorruptBlob_Gets400_AndNothingIsStored()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var connection = await RawConnection.OpenAsync(server.Port);
        const string Id = "corruptblobcorruptblob00";
        byte[] hostile = [.. s_blob[..6], 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        var answer = await ExchangeAsync(connection, Put(Id, hostile));
        Assert.Equal(400, answer.Status);
        await using var again = await RawConnection.OpenAsync(server.Port);
        Assert.Equal(404, (await ExchangeAsync(again, Get(Id))).Status);
        Assert.Equal(400, (await ExchangeAsync(again, Put(Id, s_blob[..^1]))).Status);
    }

    [Fact]
    public async Task MsAsp_Lock_OnlyTheHoldersCookieWritesReleasesOrDeletes()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var a = await RawConnection.OpenAsync(server.Port);
        await using var b = await RawConnection.OpenAsync(server.Port);
        const string Id = "lockcookieslockcookies00";
        Assert.Equal(200, (await ExchangeAsync(a, Put(Id, s_blob))).Status);

        var held = await ExchangeAsync(a, Get(Id, "Exclusive: acquire\r\n"));
        Assert.Equal(200, held.Status);
        var cookie = Assert.IsType<int>(held.LockCookie);
        var other = await ExchangeAsync(b, Get(Id, "Exclusive: acquire\r\n"));
        Assert.Equal(423, other.Status);
        Assert.Equal(cookie, other.LockCookie);
        Assert.Equal(423, (await ExchangeAsync(b, Get(Id))).Status);

        byte[] changed = [.. s_blob[..^2], 4, 0xFF];
        Assert.Equal(423, (await ExchangeAsync(b, Put(Id, changed, cookie + 1))).Status);
        Assert.Equal(423, (await ExchangeAsync(b, Put(Id, changed))).Status);
        Assert.Equal(423, (await ExchangeAsync(b, Get(Id, $"Exclusive: release\r\nLock-Cookie: {cookie + 1}\r\n"))).Status);
        Assert.Equal(423, (await ExchangeAsync(b, Delete(Id, cookie + 1))).Status);

        Assert.Equal(200, (await ExchangeAsync(a, Put(Id, changed, cookie))).Status);
        var after = await ExchangeAsync(b, Get(Id));
        Assert.Equal(200, after.Status);
        Assert.Equal(changed, after.Body.ToArray());

        var again = await ExchangeAsync(b, Get(Id, "Exclusive: acquire\r\n"));
        Assert.Equal(200, (await ExchangeAsync(b, Get(Id, $"Exclusive: release\r\nLock-Cookie: {again.LockCookie}\r\n"))).Status);
        var third = await ExchangeAsync(a, Get(Id, "Exclusive: acquire\r\n"));
        Assert.Equal(200, (await ExchangeAsync(a, Delete(Id, third.LockCookie!.Value))).Status);
        Assert.Equal(404, (await ExchangeAsync(b, Get(Id))).Status);
        Assert.Equal(404, (await ExchangeAsync(b, Delete(Id, -1))).Status);
    }

    [Fact]
    public async Task MsAsp_UninitializedItem_ReadsWithActionFlags_AndNeverOverwritesAnItem()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var connection = await RawConnection.OpenAsync(server.Port);
        const string Id = "uninitializeduninitializ";
        var empty = Convert.FromHexString("140000000000FF");

        Assert.Equal(200, (await ExchangeAsync(connection, Put(Id, empty, extraFlags: 1))).Status);
        var first = await ExchangeAsync(connection, Get(Id, "Exclusive: acquire\r\n"));
        Assert.True(first.ActionFlags);
        Assert.Empty(SessionStateSerializer.Deserialize(first.Body).Items.Keys);
        Assert.Equal(200, (await ExchangeAsync(connection, Put(Id, s_blob, first.LockCookie!.Value))).Status);
        Assert.Equal(200, (await ExchangeAsync(connection, Put(Id, empty, extraFlags: 1))).Status);

        var second = await ExchangeAsync(connection, Get(Id));
        Assert.False(second.ActionFlags);
        Assert.Equal(s_blob, second.Body.ToArray());
    }

    [Fact]
    public async Task Mono_RecordedExchanges_OnRedis_GetTheAnswersMonosServerGave()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using var connection = await RemotingConnection.OpenAsync(server.Port);
        var compared = 0;
        foreach (var exchange in MonoRecordings.Exchanges())
        {
            var requests = MonoRecordings.Frames(exchange.Request);
            await connection.SendAsync(exchange.Request);
            var recorded = exchange.Response is null ? [] : MonoRecordings.Frames(exchange.Response);
            for (var i = 0; i < requests.Count; i++)
            {
                var call = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(requests[i].Body, RemotingLimits.Default));
                var ours = await connection.ReadFrameAsync();
                Assert.NotNull(ours);
                if (i >= recorded.Count)
                {
                    continue;
                }

                var theirs = NrbfMessageReader.Read(recorded[i].Body, RemotingLimits.Default);
                var message = NrbfMessageReader.Read(ours.Body, RemotingLimits.Default);
                if (call.Method == MonoStateServerMethod.GetItem)
                {
                    var a = MonoStateServerMessages.ReadGetItemReply(message);
                    var b = MonoStateServerMessages.ReadGetItemReply(theirs);
                    var where = $"step {exchange.Step} exchange {exchange.Index}";
                    Assert.True(b.Locked == a.Locked, where + ": locked");
                    Assert.True(b.LockId == a.LockId, where + $": lock id {a.LockId} vs Mono's {b.LockId}");
                    Assert.Equal(b.Actions, a.Actions);
                    Assert.True((b.Item is null) == (a.Item is null), where + ": item presence");
                    if (b.Item is not null)
                    {
                        Assert.Equal(b.Item.CollectionData, a.Item!.CollectionData);
                        Assert.Equal(b.Item.StaticObjectsData, a.Item.StaticObjectsData);
                        Assert.Equal(b.Item.Timeout, a.Item.Timeout);
                        Assert.Equal(b.Item.LockId, a.Item.LockId);
                        Assert.Equal(b.Item.Locked, a.Item.Locked);
                    }
                }
                else
                {
                    Assert.Equal(recorded[i].Body, ours.Body);
                }

                compared++;
            }
        }

        Assert.True(compared >= 34, $"compared {compared} answers");
    }

    [Fact]
    public async Task Mono_ServerRestartedMidSession_LosesNeitherTheItemNorTheLock()
    {
        using var redis = RedisServer.Start();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        MonoStateServerReply held;
        await using (var first = InProcessServer.StartOnRedis(time, redis.Endpoint))
        {
            await using var c = await RemotingConnection.OpenAsync(first.Port);
            await c.CallVoidAsync(first.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = MonoId, CollectionData = [1, 2, 3], StaticObjectsData = [], LockId = int.MinValue, Timeout = 20, NewItem = true });
            held = await c.GetItemAsync(first.Port, MonoId, exclusive: true);
            Assert.Equal(int.MinValue + 1, held.LockId);
        }

        time.Advance(TimeSpan.FromSeconds(7));
        await using var second = InProcessServer.StartOnRedis(time, redis.Endpoint);
        await using var d = await RemotingConnection.OpenAsync(second.Port);
        var waiting = await d.GetItemAsync(second.Port, MonoId, exclusive: true);
        Assert.True(waiting.Locked);
        Assert.Equal(held.LockId, waiting.LockId);
        Assert.Equal(TimeSpan.FromSeconds(7), waiting.LockAge);

        // A stale lock id writes nothing; the holder's lock id (granted before the restart) writes and releases.
        await d.CallVoidAsync(second.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = MonoId, CollectionData = [9], LockId = 5, Timeout = 20 });
        await d.CallVoidAsync(second.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = MonoId, CollectionData = [4, 5], LockId = held.LockId, Timeout = 30 });
        var read = await d.GetItemAsync(second.Port, MonoId, exclusive: false);
        Assert.False(read.Locked);
        Assert.Equal(new byte[] { 4, 5 }, read.Item!.CollectionData);
        Assert.Null(read.Item.StaticObjectsData);
        Assert.Equal(30, read.Item.Timeout);
        Assert.Equal(held.LockId, read.Item.LockId);

        // Stored as sent, one HASH under the bare id; its TTL is the timeout (sliding).
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var key = new RedisKey("MonoStateServer:" + MonoId);
        Assert.Equal(new byte[] { 4, 5 }, (byte[])(await mux.GetDatabase().HashGetAsync(key, "d"))!);
        var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Mono_UninitializedItem_ReportsInitializeItem_NeverReplacesAnItem_AndRemoveIgnoresTheLock()
    {
        using var redis = RedisServer.Start();
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint, o => o.MonoKeyPrefix = "shop/");
        await using var c = await RemotingConnection.OpenAsync(server.Port);
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.CreateUninitializedItem, SessionId = MonoId, Timeout = 20 });
        var fresh = await c.GetItemAsync(server.Port, MonoId, exclusive: true);
        Assert.Equal(SessionStateActions.InitializeItem, fresh.Actions);
        Assert.Null(fresh.Item!.CollectionData);
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = MonoId, CollectionData = [7], LockId = fresh.LockId, Timeout = 20 });
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.CreateUninitializedItem, SessionId = MonoId, Timeout = 20 });
        var written = await c.GetItemAsync(server.Port, MonoId, exclusive: true);
        Assert.Equal(SessionStateActions.None, written.Actions);
        Assert.Equal(new byte[] { 7 }, written.Item!.CollectionData);

        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        Assert.True(await mux.GetDatabase().KeyExistsAsync("MonoStateServer:shop/" + MonoId));
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.Remove, SessionId = MonoId, LockId = 42 });
        Assert.Null((await c.GetItemAsync(server.Port, MonoId, exclusive: false)).Item);
        Assert.False(await mux.GetDatabase().KeyExistsAsync("MonoStateServer:shop/" + MonoId));
    }

    [Fact]
    public async Task RedisDown_BothProtocols_CloseTheConnectionUnanswered_AndServeAgainOnceBack()
    {
        var redis = RedisServer.Start();
        var port = redis.Port;
        await using var server = InProcessServer.StartOnRedis(TimeProvider.System, redis.Endpoint);
        await using (var warm = await RawConnection.OpenAsync(server.Port))
        {
            Assert.Equal(200, (await ExchangeAsync(warm, Put("redisdownredisdownredisd", s_blob))).Status);
        }

        redis.Dispose();
        await using (var msAsp = await RawConnection.OpenAsync(server.Port))
        {
            await msAsp.SendAsync(Get("redisdownredisdownredisd"), Token);
            Assert.Null(await msAsp.ReadResponseAsync(Token));
        }

        await using (var mono = await RemotingConnection.OpenAsync(server.Port))
        {
            await mono.SendCallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = MonoId }, server.Port);
            Assert.Null(await mono.ReadFrameAsync());
        }

        using var back = RedisServer.Start(port);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var retry = await RawConnection.OpenAsync(server.Port);
            await retry.SendAsync(Get("redisdownredisdownredisd"), Token);
            if (await retry.ReadResponseAsync(Token) is { } answer)
            {
                // The new redis-server holds nothing (no persistence): a clean 404, not an error.
                Assert.Equal(404, answer.Status);
                break;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the server did not reconnect to Redis");
            await Task.Delay(100, Token);
        }
    }

    private static async Task<StateServerResponse> ExchangeAsync(RawConnection connection, byte[] request)
    {
        await connection.SendAsync(request, Token);
        return await connection.ReadResponseAsync(Token) ?? throw new InvalidOperationException("The server closed the connection.");
    }

    private static string Target(string id) => StateServerKeys.CreateRequestTarget(ApplicationId + "(aGFzaA==)/", id);

    private static byte[] Get(string id, string headers = "") =>
        Encoding.ASCII.GetBytes($"GET {Target(id)} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");

    private static byte[] Delete(string id, int cookie) =>
        Encoding.ASCII.GetBytes($"DELETE {Target(id)} HTTP/1.1\r\nHost: test\r\n" + (cookie >= 0 ? $"Lock-Cookie: {cookie}\r\n" : string.Empty) + "\r\n");

    private static byte[] Put(string id, byte[] blob, int cookie = -1, int extraFlags = 0) =>
        [.. Encoding.ASCII.GetBytes($"PUT {Target(id)} HTTP/1.1\r\nHost: test\r\nContent-Length: {blob.Length}\r\nTimeout: 20\r\n"
            + (cookie >= 0 ? $"Lock-Cookie: {cookie}\r\n" : string.Empty) + $"ExtraFlags: {extraFlags}\r\n\r\n"), .. blob];
}
