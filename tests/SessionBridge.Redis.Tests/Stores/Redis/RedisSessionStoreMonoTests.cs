using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Tests.Format.Mono;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// The Redis store for a legacy app on Mono (Microsoft's provider under Mono's System.Web), on a real redis-server:
/// v5 with Mono's <c>SessionStateItemCollection</c> format as the blob, and 2.x–4.x, both keyed by Mono's 24 upper-case
/// hex ids as sent (../shared/spec/mono-legacy.md §2–4). The Mono-written blobs are the <c>CollectionData</c> Mono's own
/// System.Web produced in ../shared/vectors/mono-state-server-exchanges.json: what Mono's
/// <c>SessionStateItemCollection.Serialize</c> writes, which provider v5 stores as it is.
/// </summary>
public sealed class RedisSessionStoreMonoTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => fixture.Database;

    private static LegacySessionFormat MonoFormat() => new(
        new LegacyValueSerializer(new LegacyTypeMap()
            .Map<MonoProfile>("LegacyApp.Models.Profile, LegacyApp")
            .Map<MonoCartItem>("LegacyApp.Models.CartItem, LegacyApp")
            .Map<MonoCart>("LegacyApp.Models.Cart, LegacyApp")),
        dialect: LegacySessionDialect.Mono);

    // The recorded app's session after "/set" (Count 3, UserName alice, …) and after it renamed the user to carol.
    private static byte[] Recorded(int step, int exchange) =>
        MonoRecordings.CollectionData().Single(r => r.Step == step && r.Exchange == exchange && r.IsRequest).Bytes;

    private static byte[] Alice3 => Recorded(6, 7);

    private static byte[] Carol3 => Recorded(7, 1);

    [Fact]
    public async Task V5_AMonoWrittenBlob_IsRead_AndMonosOwnNextChangeGivesMonosNextBytes_UnderTheIdAsSent()
    {
        await using var store = Create(fixture, logger: null, format: MonoFormat());
        var id = MonoSessionId.Create();
        await Db.StringSetAsync(Key(id, "SessionStateItemCollection"), Alice3);
        await Db.StringSetAsync(Key(id, "SessionTimeout"), "1200");

        // A read-only look at the mapped cart (decoding an object and writing it back would re-encode it).
        var look = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(2, Assert.IsType<MonoCart>(look.Data!.Items["Cart"]).Items!.Count);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, read.Status);
        var items = read.Data!.Items;
        Assert.Equal(3, items["Count"]);
        Assert.Equal("alice", items["UserName"]);
        Assert.Null(items["Nothing"]);
        Assert.Equal((string?)read.LockId, (string?)await Db.StringGetAsync(Key(id, "WriteLock")));

        items["UserName"] = "carol";
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        // Mono's own System.Web changed the same item between those two requests: the bytes are Mono's.
        var written = (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection"));
        Assert.NotNull(written);
        Assert.Equal(Carol3, written);
        Assert.False(await Db.KeyExistsAsync(Key(id.ToLowerInvariant(), "SessionStateItemCollection")));
    }

    [Fact]
    public async Task V5_AnUntouchedMonoBlob_IsWrittenBackByteForByte()
    {
        await using var store = Create(fixture, logger: null, format: MonoFormat());
        var id = MonoSessionId.Create();
        await Db.StringSetAsync(Key(id, "SessionStateItemCollection"), Alice3);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        _ = read.Data!.Items["Count"];
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        Assert.Equal(Alice3, (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection")));
    }

    [Fact]
    public async Task V5_WhatSessionBridgeWritesInMonosDialect_IsMonosFormat_NotMicrosofts()
    {
        var format = MonoFormat();
        await using var store = Create(fixture, logger: null, format: format);
        var id = MonoSessionId.Create();
        var data = format.CreateEmpty(20);
        data.Items["Count"] = 1;

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, Ct));

        // Recorded: Mono's first write of the counter app's session ("Count" = 1).
        Assert.Equal(Recorded(1, 0), (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection")));
    }

    [Fact]
    public async Task V5_AnUninitializedItemInMonosDialect_IsMonosBytes_AndReadsAsInitializeItem()
    {
        await using var store = Create(fixture, logger: null, format: MonoFormat());
        var id = MonoSessionId.Create();

        await store.CreateUninitializedItemAsync(id, 20, Ct);

        var blob = (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection"));
        Assert.Equal(RedisUninitializedItem.CreateV5Blob(MonoFormat()), blob);
        Assert.Equal(1, MonoSessionStateSerializer.Deserialize(blob!)["SessionStateActions"]);
        var read = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, read.Actions);
        Assert.Equal(0, read.Data!.Items.Count);
    }

    [Fact]
    public async Task V2To4_AMonoSession_IsFoundUnderItsUpperCaseId_AndWrittenBackUnderIt()
    {
        // The spec's example key: Microsoft's provider 3.0.2 under Mono keys the session by the id as Mono sent it.
        await using var store = Create(fixture, o => o.KeyLayout = RedisKeyLayout.V2To4, format: MonoFormat());
        const string id = "0EFB13FCD270B431CB7A1B84";
        Assert.True(MonoSessionId.IsValid(id));
        var marker = ProviderOracle.Stored(null);
        await Db.HashSetAsync(Key(id, "Data"), [new("Count", ProviderOracle.Stored(41)), new("Nothing", marker), new("UserName", ProviderOracle.Stored("alice"))]);
        await Db.HashSetAsync(Key(id, "Internal"), "SessionTimeout", "1200");

        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(41, read.Data!.Items["Count"]);
        Assert.Null(read.Data.Items["Nothing"]);
        Assert.Equal((string?)read.LockId, (string?)await Db.StringGetAsync(Key(id, "Write_Lock")));
        read.Data.Items["Count"] = 42;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = (await Db.HashGetAllAsync(Key(id, "Data"))).ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!);
        Assert.Equal(ProviderOracle.Stored(42), stored["Count"]);
        Assert.Equal(marker, stored["Nothing"]);
        Assert.Equal(ProviderOracle.Stored("alice"), stored["UserName"]);
        Assert.Empty(await KeysMatching("*" + id.ToLowerInvariant() + "*"));
        Assert.Equal(2, (await KeysMatching("*" + id + "*")).Count);
    }

    private async Task<List<string>> KeysMatching(string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in fixture.Admin.KeysAsync(pattern: pattern))
        {
            keys.Add((string)key!);
        }

        return keys;
    }
}
