using System.Runtime.Serialization.Formatters.Binary;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;
using LegacyCart = LegacyApp.Models.Cart;
using LegacyCartItem = LegacyApp.Models.CartItem;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// The provider 2.x–4.x layout (<c>_Data</c> HASH of per-item BinaryFormatter values, <c>_Write_Lock</c>,
/// <c>_Internal</c>) on a real redis-server. BinaryFormatter (tests only, <see cref="ProviderOracle"/>) makes what the
/// legacy provider stores per item and reads what SessionBridge writes.
/// </summary>
public sealed class RedisSessionStoreV2To4Tests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly Guid s_cartId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => fixture.Database;

    private RedisSessionStore CreateV2To4(ListLoggerHolder? logger = null, LegacySessionFormat? format = null, Action<RedisSessionStoreOptions>? configure = null) =>
        Create(fixture, o =>
        {
            o.KeyLayout = RedisKeyLayout.V2To4;
            configure?.Invoke(o);
        }, logger?.Logger, format: format ?? ProviderOracle.Format());

#pragma warning disable SYSLIB0011 // the legacy provider's serializer, used here only to produce what it stores
    private static byte[] BinaryFormatterBytes(object value)
    {
        using var stream = new MemoryStream();
        new BinaryFormatter().Serialize(stream, value);
        return stream.ToArray();
    }
#pragma warning restore SYSLIB0011

    public static TheoryData<object> Primitives() =>
        ["alice", "", "é ✓", 42, -1, true, false, 3.5d, double.NaN, 2.5f, 7L, (short)-3, (byte)200, (sbyte)-5, (ushort)65000, 4_000_000_000u, ulong.MaxValue, 'x', 'é', '✓',
         TimeSpan.FromMinutes(90), new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Unspecified),
         new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Local), 12.50m, -0.0001m, decimal.MaxValue, s_cartId, Guid.Empty, (nint)123456789, (nuint)987654321];

    [Theory]
    [MemberData(nameof(Primitives))]
    public void StringsAndPrimitives_AreEncodedExactlyAsBinaryFormatterDoes(object value)
    {
        Assert.Equal(BinaryFormatterBytes(value), RedisHashItemCodec.Encode(value, "k", values: null, nullMarker: []));
        var decoded = RedisHashItemCodec.Decode(BinaryFormatterBytes(value));
        Assert.Equal(value, decoded);
        Assert.Equal(value.GetType(), decoded!.GetType());
    }

    [Theory]
    [InlineData("3.0.2.0")]
    [InlineData("4.0.1.0")]
    [InlineData("2.2.6.0")]
    public void TheNullMarker_IsWhatBinaryFormatterWritesForTheProvidersRedisNull(string version)
    {
        // The provider stores Session["x"] = null as BinaryFormatter's stream of a new Microsoft.Web.Redis.RedisNull
        // (Azure/aspnet-redis-providers src/Shared/BinarySerializer.cs, RedisUtility.GetBytesFromObject; RedisNull.cs:
        // an ISerializable class adding no value, in the provider's strong-named assembly). See ProviderOracle.
        var marker = ProviderOracle.Stored(null, version);

        Assert.Equal(marker, RedisNullMarker.Create(Version.Parse(version)));
        Assert.True(RedisNullMarker.IsMarker(marker));
        Assert.Null(RedisHashItemCodec.Decode(marker));
        Assert.Null(ProviderOracle.Read(RedisNullMarker.Create(Version.Parse(version))));
    }

    [Fact]
    public void AClassThatOnlyLooksLikeTheMarker_IsNotNull()
    {
        var cart = ProviderOracle.Stored(new LegacyCart { CartId = s_cartId, Items = [] });
        Assert.False(RedisNullMarker.IsMarker(cart));
        Assert.False(RedisNullMarker.IsMarker("Microsoft.Web.Redis.RedisNull"u8));
    }

    [Fact]
    public async Task ASessionTheProviderWrote_WithANullAMappedCartAndPrimitives_IsRead_AndUntouchedFieldsKeepTheirBytes()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        var fields = new Dictionary<string, byte[]>
        {
            ["UserName"] = ProviderOracle.Stored("alice"),
            ["Visits"] = ProviderOracle.Stored(7),
            ["Nothing"] = ProviderOracle.Stored(null),
            ["Cart"] = ProviderOracle.Stored(new LegacyCart { CartId = s_cartId, Items = [new LegacyCartItem { Sku = "SKU-1", Quantity = 2, Price = 9.99m }] }),
            ["When"] = ProviderOracle.Stored(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            ["Price"] = ProviderOracle.Stored(12.50m),
            ["Unmapped"] = ProviderOracle.Stored(new LegacyApp.Models.VisitCounter { Visits = 5 }),
        };
        await Db.HashSetAsync(Key(id, "Data"), [.. fields.Select(f => new HashEntry(f.Key, f.Value))]);
        await Db.HashSetAsync(Key(id, "Internal"), "SessionTimeout", "1500");

        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(25, read.Data!.Timeout);
        var items = read.Data.Items;
        Assert.Equal(fields.Keys.Order(), items.Keys.Order()); // HGETALL's order is the HASH's, not the insertion order
        Assert.Equal("alice", items["UserName"]);
        Assert.True(items.ContainsKey("Nothing"));
        Assert.Null(items["Nothing"]);
        var cart = Assert.IsType<CoreCart>(items["Cart"]);
        Assert.Equal(s_cartId, cart.CartId);
        Assert.Equal(("SKU-1", 2, 9.99m), (cart.Items![0].Sku, cart.Items[0].Quantity, cart.Items[0].Price));
        var when = Assert.IsType<DateTime>(items["When"]);
        Assert.Equal(DateTimeKind.Utc, when.Kind);
        Assert.Equal(12.50m, items["Price"]);
        Assert.IsType<LegacyObject>(items["Unmapped"]);

        // The endpoint changes one item; everything it only read, or never touched, keeps its exact bytes.
        items["Visits"] = (int)items["Visits"]! + 1;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = await StoredFields(id);
        Assert.Equal(fields.Keys.Order(), stored.Keys.Order());
        Assert.Equal(ProviderOracle.Stored(8), stored["Visits"]);
        foreach (var key in fields.Keys.Where(k => k != "Visits"))
        {
            Assert.Equal(fields[key], stored[key]);
        }

        Assert.Equal("1500", (string?)await Db.HashGetAsync(Key(id, "Internal"), "SessionTimeout"));
        Assert.False(await Db.KeyExistsAsync(Key(id, "Write_Lock")));
    }

    [Fact]
    public async Task AWriteSendsOnlyWhatChanged_SoAFieldSomeoneElseWroteMeanwhileSurvives()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await Db.HashSetAsync(Key(id, "Data"), [new("A", ProviderOracle.Stored(1)), new("B", ProviderOracle.Stored(2))]);
        await Db.HashSetAsync(Key(id, "Internal"), "SessionTimeout", "1200");
        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        // A legacy writer in lock-free mode (aspnet:AllowConcurrentRequestsPerSession) adds C and changes B meanwhile.
        await Db.HashSetAsync(Key(id, "Data"), [new("B", ProviderOracle.Stored(20)), new("C", ProviderOracle.Stored(3))]);
        read.Data!.Items["A"] = 10;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = await StoredFields(id);
        Assert.Equal(ProviderOracle.Stored(10), stored["A"]);
        Assert.Equal(ProviderOracle.Stored(20), stored["B"]);
        Assert.Equal(ProviderOracle.Stored(3), stored["C"]);
    }

    [Fact]
    public async Task ANewNull_IsWrittenAsTheProvidersMarker_TheSessionsOwnWhenItHasOne()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        var marker302 = ProviderOracle.Stored(null, "3.0.2.0");
        await Db.HashSetAsync(Key(id, "Data"), [new("Old", marker302), new("Count", ProviderOracle.Stored(1))]);
        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        read.Data!.Items["Fresh"] = null;
        read.Data.Items["Count"] = null;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = await StoredFields(id);
        Assert.Equal(marker302, stored["Old"]);
        Assert.Equal(marker302, stored["Fresh"]);
        Assert.Equal(marker302, stored["Count"]);
        Assert.Null(ProviderOracle.Read(stored["Fresh"]));

        // Without a marker in the session, the configured provider version's marker (default 4.0.1.0).
        var other = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(other, new SessionStateData(20, new SessionStateItemCollection { ["x"] = null }), null, newItem: true, Ct);
        Assert.Equal(ProviderOracle.Stored(null, "4.0.1.0"), (await StoredFields(other))["x"]);

        await using var configured = CreateV2To4(configure: o => o.ProviderVersion = new Version(2, 2, 6, 0));
        var third = SessionId.Create();
        await configured.SetAndReleaseItemExclusiveAsync(third, new SessionStateData(20, new SessionStateItemCollection { ["x"] = null }), null, newItem: true, Ct);
        Assert.Equal(ProviderOracle.Stored(null, "2.2.6.0"), (await StoredFields(third))["x"]);
    }

    [Fact]
    public async Task AMappedCartWrittenBySessionBridge_DecodesWithBinaryFormatter_ToEqualFields()
    {
        var format = ProviderOracle.Format();
        await using var store = CreateV2To4(format: format);
        var id = SessionId.Create();
        var data = format.CreateEmpty(20);
        data.Items["Cart"] = new CoreCart
        {
            CartId = s_cartId,
            Items = [new CoreCartItem { Sku = "SKU-1", Quantity = 2, Price = 9.99m }, new CoreCartItem { Sku = "SKU-9", Quantity = 1, Price = 0.50m }],
        };
        data.Items["Price"] = 1.25m;
        data.Items["Id"] = s_cartId;

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, Ct));

        var stored = await StoredFields(id);
        var cart = Assert.IsType<LegacyCart>(ProviderOracle.Read(stored["Cart"]));
        Assert.Equal(s_cartId, cart.CartId);
        Assert.Equal([("SKU-1", 2, 9.99m), ("SKU-9", 1, 0.50m)], cart.Items.Select(i => (i.Sku, i.Quantity, i.Price)));
        Assert.Equal(1.25m, ProviderOracle.Read(stored["Price"]));
        Assert.Equal(s_cartId, ProviderOracle.Read(stored["Id"]));

        // And read back by SessionBridge as the mapped type.
        var again = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(2, Assert.IsType<CoreCart>(again.Data!.Items["Cart"]).Items!.Count);
    }

    [Fact]
    public async Task AValueThatCannotBeEncoded_FailsWithTheFormatException_NamingTheItem_AndWritesNothing()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await Db.HashSetAsync(Key(id, "Data"), [new("Count", ProviderOracle.Stored(1))]);
        var read = await store.GetItemAsync(id, exclusive: true, Ct);

        // Node.Tag is typed object: what it holds is only checked when the session is written.
        read.Data!.Items["Node"] = new CoreNode { Name = "n", Tag = new Uri("https://example.invalid/") };
        read.Data.Items["Count"] = 2;

        var error = await Assert.ThrowsAsync<LegacySessionFormatException>(async () =>
            await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        Assert.Equal("Node", error.Key);
        Assert.Contains("'Node'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", error.Message, StringComparison.Ordinal);
        var stored = await StoredFields(id);
        Assert.Equal(["Count"], stored.Keys);
        Assert.Equal(ProviderOracle.Stored(1), stored["Count"]);
        Assert.Equal(read.LockId, (string?)await Db.StringGetAsync(Key(id, "Write_Lock")));
    }

    [Fact]
    public async Task ANullKey_FailsWithTheFormatException_AndWritesNothing()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        var data = new SessionStateData(20, new SessionStateItemCollection { [null] = 1 });

        var error = await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, Ct));

        Assert.Contains("null key", error.Message, StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(Key(id, "Data")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "Internal")));
    }

    [Fact]
    public async Task WithoutAValueSerializer_PrimitivesStillReadAndWrite_AndObjectsStayRaw()
    {
        await using var store = CreateV2To4(format: LegacySessionFormat.Default);
        var id = SessionId.Create();
        var list = BinaryFormatterBytes(new List<int> { 1, 2, 3 });
        await Db.HashSetAsync(Key(id, "Data"), [new("Visits", ProviderOracle.Stored(7)), new("List", list), new("Price", ProviderOracle.Stored(2.5m))]);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(7, read.Data!.Items["Visits"]);
        Assert.Equal(2.5m, read.Data.Items["Price"]);
        Assert.Equal(new SerializedObject(list), read.Data.Items["List"]);
        read.Data.Items["Visits"] = 8;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var stored = await StoredFields(id);
        Assert.Equal(ProviderOracle.Stored(8), stored["Visits"]);
        Assert.Equal(list, stored["List"]);
    }

    [Fact]
    public async Task RemovedItems_AreDeletedFromTheHash()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["a"] = 1, ["b"] = "x" }), null, newItem: true, Ct);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        read.Data!.Items.Remove("A");
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        Assert.Equal(["b"], (await Db.HashKeysAsync(Key(id, "Data"))).Select(k => (string?)k));
    }

    [Fact]
    public async Task DataThisStoreDidNotRead_ReplacesTheWholeHash()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await Db.HashSetAsync(Key(id, "Data"), [new("Old", ProviderOracle.Stored(1))]);
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["New"] = 2 }), locked.LockId, newItem: false, Ct));

        Assert.Equal(["New"], (await StoredFields(id)).Keys);
    }

    [Fact]
    public async Task Uninitialized_IsTheSessionStateActionsField_AndReadsAsInitializeItem_ThenIsRemovedByTheFirstWrite()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();

        await store.CreateUninitializedItemAsync(id, 20, Ct);

        var field = (byte[]?)await Db.HashGetAsync(Key(id, "Data"), "SessionStateActions");
        var vector = Convert.FromHexString((string)Vectors.Blob("redis-v5-uninitialized-item-collection")["items"]![0]!["valueHex"]!);
        Assert.Equal(vector.AsSpan(1).ToArray(), field);
        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, read.Actions);
        Assert.Equal(0, read.Data!.Items.Count);

        read.Data.Items["x"] = 1;
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));
        Assert.Equal(["x"], (await StoredFields(id)).Keys);
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
    public async Task FieldsThatCollideCaseInsensitively_AreAFormatError_AndLeftUntouched()
    {
        await using var store = CreateV2To4();
        var id = SessionId.Create();
        await Db.HashSetAsync(Key(id, "Data"), [new("Cart", ProviderOracle.Stored(1)), new("cart", ProviderOracle.Stored(2))]);

        await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await store.GetItemAsync(id, exclusive: true, Ct));

        Assert.Equal(2, (await StoredFields(id)).Count);
        Assert.False(await Db.KeyExistsAsync(Key(id, "Write_Lock")));
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

    private async Task<Dictionary<string, byte[]>> StoredFields(string id) =>
        (await Db.HashGetAllAsync(Key(id, "Data"))).ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!);

    public sealed class ListLoggerHolder
    {
        public ListLogger Logger { get; } = new();
    }
}
