using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>
/// Mono's dialect against the <c>CollectionData</c> Mono's own System.Web wrote in the recorded state-server exchanges:
/// every one decodes to the items the recorded app stored, is written back byte for byte when untouched, and the
/// changes Mono made between two requests produce Mono's next bytes exactly.
/// </summary>
public sealed class MonoRecordedCollectionTests
{
    private static readonly Guid s_g = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    private static readonly Guid s_cartId = Guid.Parse("11111111-2222-3333-4444-555555555555");

    // Where the recording carries CollectionData, and which of the app's states it holds: (step, exchange, request?) → state.
    private static readonly (int Step, int Exchange, bool Request, string State)[] s_expected =
    [
        (1, 0, true, "count1"), (2, 0, false, "count1"), (2, 1, true, "count2"), (3, 0, false, "count2"),
        (4, 0, false, "count2"), (4, 1, true, "alice2"), (5, 0, false, "alice2"), (6, 0, false, "alice2"),
        (6, 4, true, "alice2"), (6, 6, false, "alice2"), (6, 7, true, "alice3"), (7, 0, false, "alice3"),
        (7, 1, true, "carol3"), (8, 0, false, "carol3"), (10, 1, true, "count1"),
    ];

    private static readonly string[] s_setKeys = ["Count", "UserName", "Visits", "Big", "Flag", "Ratio", "Price", "G", "Span", "When", "Nothing", "Prof", "Cart"];

    internal static LegacyValueSerializer Serializer() => new(new LegacyTypeMap()
        .Map<MonoProfile>("LegacyApp.Models.Profile, LegacyApp")
        .Map<MonoCartItem>("LegacyApp.Models.CartItem, LegacyApp")
        .Map<MonoCart>("LegacyApp.Models.Cart, LegacyApp"));

    internal static byte[] State(string state) =>
        MonoRecordings.CollectionData().First(r => r.ToString() == Describe(s_expected.First(e => e.State == state))).Bytes;

    private static string Describe((int Step, int Exchange, bool Request, string State) e) =>
        new RecordedCollection(e.Step, e.Exchange, e.Request, []).ToString();

    [Fact]
    public void TheRecording_CarriesCollectionDataExactlyWhereMonoWritesAndReadsIt()
    {
        var found = MonoRecordings.CollectionData().Select(r => r.ToString()).ToList();
        Assert.Equal(s_expected.Select(Describe), found);
    }

    [Fact]
    public void EveryRecordedCollection_DecodesToTheItemsTheAppStored()
    {
        var recorded = MonoRecordings.CollectionData();
        Assert.Equal(15, recorded.Count);
        foreach (var (r, expected) in recorded.Zip(s_expected))
        {
            var items = MonoSessionStateSerializer.Deserialize(r.Bytes, Serializer());
            switch (expected.State)
            {
                case "count1" or "count2":
                    Assert.Equal(["Count"], items.Keys);
                    Assert.Equal(expected.State == "count1" ? 1 : 2, items["Count"]);
                    break;
                default:
                    AssertSetItems(items, count: expected.State.EndsWith('2') ? 2 : 3, userName: expected.State.StartsWith("alice", StringComparison.Ordinal) ? "alice" : "carol");
                    break;
            }
        }
    }

    [Fact]
    public void EveryRecordedCollection_UntouchedOrFullyRead_IsWrittenBackByteForByte()
    {
        foreach (var r in MonoRecordings.CollectionData())
        {
            var untouched = MonoSessionStateSerializer.Deserialize(r.Bytes, Serializer());
            Assert.Equal(r.Bytes, MonoSessionStateSerializer.Serialize(untouched));

            // Reading the primitives, the Guid and the TimeSpan re-encodes them, to the same bytes.
            var read = MonoSessionStateSerializer.Deserialize(r.Bytes, Serializer());
            foreach (var key in read.Keys)
            {
                if (key is not ("Prof" or "Cart"))
                {
                    _ = read[key];
                    Assert.True(read.IsDecoded(read.Keys.ToList().IndexOf(key)));
                }
            }

            Assert.Equal(r.Bytes, MonoSessionStateSerializer.Serialize(read));
        }
    }

    [Theory]
    [InlineData("count1", "count2")]
    [InlineData("alice2", "alice3")]
    [InlineData("alice3", "carol3")]
    public void TheChangeMonoMadeBetweenTwoRequests_ProducesMonosNextBytes(string before, string after)
    {
        var items = MonoSessionStateSerializer.Deserialize(State(before), Serializer());
        if (before.StartsWith("count", StringComparison.Ordinal) || before == "alice2")
        {
            items["Count"] = (int)items["Count"]! + 1;
        }
        else
        {
            items["UserName"] = "carol";
        }

        Assert.Equal(State(after), MonoSessionStateSerializer.Serialize(items));
    }

    [Fact]
    public void TheItemsBuiltFromScratch_AreMonosBytes_ExceptWhereNrbfAllowsADifference()
    {
        var mono = State("alice2");
        var items = new SessionStateItemCollection { ValueSerializer = Serializer() };
        items["Count"] = 2;
        items["UserName"] = "alice";
        items["Visits"] = 42;
        items["Big"] = -9_000_000_000L;
        items["Flag"] = true;
        items["Ratio"] = 2.5;
        items["Price"] = 12.50m;
        items["G"] = s_g;
        items["Span"] = TimeSpan.FromSeconds(90);
        items["When"] = new DateTime(638505760891234567);
        items["Nothing"] = null;
        items["Prof"] = NewProfile();
        items["Cart"] = NewCart();
        var ours = MonoSessionStateSerializer.Serialize(items);

        // Everything up to the first object Mono's BinaryFormatter wrote for a [Serializable] class is identical
        // (primitives, DateTime, decimal, and the Guid and TimeSpan streams).
        var original = MonoSessionStateSerializer.Deserialize(mono);
        var ourItems = MonoSessionStateSerializer.Deserialize(ours);
        Assert.Equal(original.Keys, ourItems.Keys);
        for (var i = 0; i < original.Count; i++)
        {
            if (original.GetKey(i) is "Prof" or "Cart")
            {
                continue;
            }

            Assert.Equal(original.GetEncodedValue(i).ToArray(), ourItems.GetEncodedValue(i).ToArray());
        }

        var prefixLength = mono.AsSpan().IndexOf("\x04Prof"u8);
        Assert.True(prefixLength > 0);
        Assert.Equal(mono.AsSpan(0, prefixLength).ToArray(), ours.AsSpan(0, prefixLength).ToArray());

        // The [Serializable] objects decode to the same values (NRBF lets object ids and record choices differ).
        AssertSetItems(MonoSessionStateSerializer.Deserialize(ours, Serializer()), 2, "alice");
    }

    internal static MonoProfile NewProfile() => new()
    {
        Name = "Ann",
        Visits = 3,
        Since = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Roles = ["admin", "user"],
    };

    internal static MonoCart NewCart() => new()
    {
        CartId = s_cartId,
        Items = [new MonoCartItem { Sku = "SKU-1", Quantity = 2, Price = 9.99m }, new MonoCartItem { Sku = "SKU-9", Quantity = 1, Price = 0.50m }],
    };

    internal static void AssertSetItems(SessionStateItemCollection items, int count, string userName)
    {
        Assert.Equal(s_setKeys, items.Keys);
        Assert.Equal(count, items["Count"]);
        Assert.Equal(userName, items["UserName"]);
        Assert.Equal(42, items["Visits"]);
        Assert.Equal(-9_000_000_000L, items["Big"]);
        Assert.Equal(true, items["Flag"]);
        Assert.Equal(2.5, items["Ratio"]);
        var price = Assert.IsType<decimal>(items["Price"]);
        Assert.Equal(12.50m, price);
        Assert.Equal("12.50", price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(s_g, items["G"]);
        Assert.Equal(TimeSpan.FromSeconds(90), items["Span"]);
        var when = Assert.IsType<DateTime>(items["When"]);
        Assert.Equal(638505760891234567, when.Ticks); // 2024-05-06T07:08:09.1234567, Kind lost as in System.Web
        Assert.Equal(DateTimeKind.Unspecified, when.Kind);
        Assert.True(items.ContainsKey("Nothing"));
        Assert.Null(items["Nothing"]);

        var profile = Assert.IsType<MonoProfile>(items["Prof"]);
        Assert.Equal("Ann", profile.Name);
        Assert.Equal(3, profile.Visits);
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), profile.Since);
        Assert.Equal(DateTimeKind.Utc, profile.Since.Kind);
        Assert.Equal(["admin", "user"], profile.Roles!);

        var cart = Assert.IsType<MonoCart>(items["Cart"]);
        Assert.Equal(s_cartId, cart.CartId);
        Assert.Equal(2, cart.Items!.Count);
        Assert.Equal(("SKU-1", 2, 9.99m), (cart.Items[0].Sku, cart.Items[0].Quantity, cart.Items[0].Price));
        Assert.Equal(("SKU-9", 1, 0.50m), (cart.Items[1].Sku, cart.Items[1].Quantity, cart.Items[1].Price));
    }
}
