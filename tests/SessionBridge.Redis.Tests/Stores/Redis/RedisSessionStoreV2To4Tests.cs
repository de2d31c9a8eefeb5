using System.Runtime.Serialization.Formatters.Binary;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// The provider 2.x–4.x layout (<c>_Data</c> HASH of per-item BinaryFormatter values, <c>_Write_Lock</c>,
/// <c>_Internal</c>). BinaryFormatter (tests only) is the oracle for the per-item bytes the legacy provider stores.
/// </summary>
public sealed class RedisSessionStoreV2To4Tests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => fixture.Database;

    private RedisSessionStore CreateV2To4(ListLoggerHolder? logger = null) =>
        Create(fixture, o => o.KeyLayout = RedisKeyLayout.V2To4, logger?.Logger);

#pragma warning disable SYSLIB0011 // the legacy provider's serializer, used here only to produce what it stores
    private static byte[] BinaryFormatterBytes(object value)
    {
        using var stream = new MemoryStream();
        new BinaryFormatter().Serialize(stream, value);
        return stream.ToArray();
    }
#pragma warning restore SYSLIB0011

    public static TheoryData<object> Primitives() =>
        ["alice", "", "é ✓", 42, -1, true, false, 3.5d, 2.5f, 7L, (short)-3, (byte)200, (sbyte)-5, (ushort)65000, 4_000_000_000u, ulong.MaxValue, 'x', 'é',
         TimeSpan.FromMinutes(90), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Unspecified)];

    [Theory]
    [MemberData(nameof(Primitives))]
    public void StringsAndPrimitives_AreEncodedExactlyAsBinaryFormatterDoes(object value)
    {
        Assert.Equal(BinaryFormatterBytes(value), RedisHashItemCodec.Encode(value, "k"));
        Assert.Equal(value, RedisHashItemCodec.Decode(BinaryFormatterBytes(value)));
    }

    [Fact]
    public async Task WhatLegacyV2To4Stores_WeRead_AndWriteBackUntouchedValuesByteForByte()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        var when = BinaryFormatterBytes(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var list = BinaryFormatterBytes(new List<int> { 1, 2, 3 });
        await Db.HashSetAsync(Key(id, "Data"), [new("UserName", BinaryFormatterBytes("alice")), new("Visits", BinaryFormatterBytes(7)), new("When", when), new("List", list)]);
        await Db.HashSetAsync(Key(id, "Internal"), "SessionTimeout", "1500");

        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(25, read.Data!.Timeout);
        Assert.Equal("alice", read.Data.Items["UserName"]);
        Assert.Equal(7, read.Data.Items["Visits"]);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), read.Data.Items["When"]);
        Assert.Equal(new SerializedObject(list), read.Data.Items["List"]);
        Assert.Equal(read.LockId, (string?)await Db.StringGetAsync(Key(id, "Write_Lock")));

        read.Data.Items["Visits"] = 8;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = (await Db.HashGetAllAsync(Key(id, "Data"))).ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!);
        Assert.Equal(BinaryFormatterBytes("alice"), stored["UserName"]);
        Assert.Equal(BinaryFormatterBytes(8), stored["Visits"]);
        Assert.Equal(when, stored["When"]);
        Assert.Equal(list, stored["List"]);
        Assert.Equal("1500", (string?)await Db.HashGetAsync(Key(id, "Internal"), "SessionTimeout"));
        Assert.False(await Db.KeyExistsAsync(Key(id, "Write_Lock")));
    }

    [Fact]
    public async Task RemovedItems_AreDeletedFromTheHash()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["a"] = 1, ["b"] = "x" }), null, newItem: true, Ct);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        read.Data!.Items.Remove("a");
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        Assert.Equal(["b"], (await Db.HashKeysAsync(Key(id, "Data"))).Select(k => (string?)k));
    }

    [Fact]
    public async Task Uninitialized_IsTheSessionStateActionsField_AndReadsAsInitializeItem()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();

        await store.CreateUninitializedItemAsync(id, 20, Ct);

        var field = (byte[]?)await Db.HashGetAsync(Key(id, "Data"), "SessionStateActions");
        var vector = Convert.FromHexString((string)Vectors.Blob("redis-v5-uninitialized-item-collection")["items"]![0]!["valueHex"]!);
        Assert.Equal(vector.AsSpan(1).ToArray(), field);
        var read = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, read.Actions);
        Assert.Equal(0, read.Data!.Items.Count);
    }

    [Fact]
    public async Task LockingAndTraps_BehaveAsInV5()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["a"] = 1 }), null, newItem: true, Ct);
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, (await store.GetItemAsync(id, exclusive: true, Ct)).Status);

        await Db.StringSetAsync(Key(id, "Write_Lock"), "garbage");
        var ancient = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.True(ancient.LockAge > TimeSpan.FromDays(36500));
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data!, locked.LockId, newItem: false, Ct));

        await store.ReleaseItemExclusiveAsync(id, "garbage", Ct);
        var mine = await store.GetItemAsync(id, exclusive: true, Ct);
        await store.RemoveItemAsync(id, mine.LockId!, Ct);
        Assert.False(await Db.KeyExistsAsync(Key(id, "Data")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "Internal")));
    }

    [Fact]
    public async Task ValuesThisLayoutCannotStore_FailClearly_AndWriteNothing()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        var data = new SessionStateData(20, new SessionStateItemCollection { ["when"] = 1.5m });

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () => await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, Ct));

        Assert.Contains("when", error.Message, StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(Key(id, "Data")));
    }

    [Fact]
    public async Task V5Keys_FoundWhileConfiguredForV2To4_AreReportedInTheLog()
    {
        var logger = new ListLoggerHolder();
        await using var store = CreateV2To4(logger);
        var id = SessionId.Create();
        await Db.StringSetAsync(Key(id, "SessionStateItemCollection"), SessionStateSerializer.SerializeItems(new SessionStateItemCollection()));

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(id, exclusive: true, Ct)).Status);

        var line = Assert.Single(logger.Logger.Entries, e => e.Id.Id == 211);
        Assert.Contains("_SessionStateItemCollection", line.Message, StringComparison.Ordinal);
    }

    public sealed class ListLoggerHolder
    {
        public ListLogger Logger { get; } = new();
    }
}
