using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>
/// Mono's dialect against Mono's own System.Web, run as a real process (<see cref="MonoOracle"/>): what Mono writes we
/// read, what we write Mono reads, plain and GZip-compressed.
/// </summary>
public sealed class MonoOracleTests
{
    private static readonly Guid s_g = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

    // What Mono's own reader prints for its own sample (SessionOracle.cs): the reference for every read by Mono.
    private static readonly string[] s_sampleLines =
    [
        "Count\tSystem.Int32\t7",
        "UserName\tSystem.String\tZoë ☃",
        "Big\tSystem.Int64\t-9000000000",
        "Flag\tSystem.Boolean\tTrue",
        "Ratio\tSystem.Double\t2.5",
        "Single\tSystem.Single\t1.25",
        "Price\tSystem.Decimal\t12.50",
        "G\tSystem.Guid\t3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "Span\tSystem.TimeSpan\t00:01:30",
        "When\tSystem.DateTime\t638505760891234567/Unspecified",
        "Nothing\tnull\tnull",
        "Db\tSystem.DBNull\t",
        "Ch\tSystem.Char\t233",
        "B\tSystem.Byte\t200",
        "SB\tSystem.SByte\t-5",
        "S\tSystem.Int16\t-300",
        "US\tSystem.UInt16\t60000",
        "UI\tSystem.UInt32\t4000000000",
        "UL\tSystem.UInt64\t18000000000000000000",
        "Tier\tSystem.Int32\t1",
        "Prof\tLegacyApp.Models.Profile\tAnn|3|637135310450000000/Utc|admin,user",
        "Cart\tLegacyApp.Models.Cart\t11111111-2222-3333-4444-555555555555|SKU-1:2:9.99;SKU-9:1:0.50",
    ];

    [Fact]
    public void MonosOwnReader_PrintsTheSample()
    {
        Assert.Equal(s_sampleLines, MonoOracle.Read(MonoOracle.WriteSample(gzip: false), gzip: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WhatMonoWrites_DecodesToTheSampleItems(bool gzip)
    {
        var items = MonoSessionStateSerializer.Deserialize(MonoOracle.WriteSample(gzip), MonoRecordedCollectionTests.Serializer(), gzip);

        Assert.Equal(s_sampleLines.Select(l => l.Split('\t')[0]), items.Keys);
        Assert.Equal(7, items["Count"]);
        Assert.Equal("Zoë ☃", items["UserName"]);
        Assert.Equal(-9_000_000_000L, items["Big"]);
        Assert.Equal(true, items["Flag"]);
        Assert.Equal(2.5, items["Ratio"]);
        Assert.Equal(1.25f, items["Single"]);
        Assert.Equal("12.50", ((decimal)items["Price"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(s_g, items["G"]);
        Assert.Equal(TimeSpan.FromSeconds(90), items["Span"]);
        Assert.Equal(new DateTime(638505760891234567), items["When"]);
        Assert.Null(items["Nothing"]);
        Assert.Equal(SessionValueTypeCode.Unknown, items.GetTypeCode(items.Keys.ToList().IndexOf("Db")));
        Assert.Null(items["Db"]); // DBNull reads as null
        Assert.Equal('é', items["Ch"]);
        Assert.Equal((byte)200, items["B"]);
        Assert.Equal((sbyte)-5, items["SB"]);
        Assert.Equal((short)-300, items["S"]);
        Assert.Equal((ushort)60000, items["US"]);
        Assert.Equal(4_000_000_000u, items["UI"]);
        Assert.Equal(18_000_000_000_000_000_000ul, items["UL"]);
        Assert.Equal(1, items["Tier"]); // Mono writes an enum as its underlying integer
        var profile = Assert.IsType<MonoProfile>(items["Prof"]);
        Assert.Equal(("Ann", 3, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)), (profile.Name, profile.Visits, profile.Since));
        var cart = Assert.IsType<MonoCart>(items["Cart"]);
        Assert.Equal(["SKU-1", "SKU-9"], cart.Items!.Select(i => i.Sku!));
    }

    [Fact]
    public void WhatMonoWrites_UntouchedIsWrittenBackByteForByte_AndMonoReadsOurGZip()
    {
        var plain = MonoOracle.WriteSample(gzip: false);
        Assert.Equal(plain, MonoSessionStateSerializer.Serialize(MonoSessionStateSerializer.Deserialize(plain)));

        var gzipped = MonoOracle.WriteSample(gzip: true);
        var items = MonoSessionStateSerializer.Deserialize(gzipped, compressed: true);
        Assert.Equal(plain, MonoSessionStateSerializer.Serialize(items));
        Assert.Equal(s_sampleLines, MonoOracle.Read(MonoSessionStateSerializer.Serialize(items, compressed: true), gzip: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ItemsBuiltHere_AreReadByMono_AsTheSameValues(bool gzip)
    {
        var items = BuildSample();
        var lines = MonoOracle.Read(MonoSessionStateSerializer.Serialize(items, gzip), gzip);

        // Everything but the DBNull item, which a session here cannot hold (it reads as null).
        Assert.Equal(s_sampleLines.Where(l => !l.StartsWith("Db\t", StringComparison.Ordinal)), lines);
    }

    [Fact]
    public void ItemsBuiltHere_AreMonosOwnBytes_ForEveryValueButTheSerializableClasses()
    {
        var mono = MonoSessionStateSerializer.Deserialize(MonoOracle.WriteSample(gzip: false));
        var ours = MonoSessionStateSerializer.Deserialize(MonoSessionStateSerializer.Serialize(BuildSample()));
        var compared = 0;
        for (var i = 0; i < ours.Count; i++)
        {
            var key = ours.GetKey(i);
            var j = mono.Keys.ToList().IndexOf(key);
            if (key is "Prof" or "Cart")
            {
                // NRBF lets the writer choose object ids and record kinds; Mono's reader above reads ours alike.
                continue;
            }

            Assert.True(mono.GetEncodedValue(j).Span.SequenceEqual(ours.GetEncodedValue(i).Span), $"the bytes of '{key}' differ");
            compared++;
        }

        Assert.Equal(19, compared);
    }

    [Fact]
    public void ChangesMadeHere_ToWhatMonoWrote_AreReadByMono_AndUntouchedValuesSurvive()
    {
        // No type map: the [Serializable] objects stay raw, the DBNull stays DBNull.
        var items = MonoSessionStateSerializer.Deserialize(MonoOracle.WriteSample(gzip: false));
        items["Count"] = (int)items["Count"]! + 1;
        items.Remove("Flag");
        items["New"] = "x";

        var lines = MonoOracle.Read(MonoSessionStateSerializer.Serialize(items), gzip: false);

        var expected = s_sampleLines.Where(l => !l.StartsWith("Flag\t", StringComparison.Ordinal)).ToList();
        expected[0] = "Count\tSystem.Int32\t8";
        expected.Add("New\tSystem.String\tx");
        Assert.Equal(expected, lines);
    }

    [Fact]
    public void WhatWeWrite_MonoChangesAndWritesBack_AndWeReadItsChange()
    {
        var ours = MonoSessionStateSerializer.Serialize(BuildSample());
        var items = MonoSessionStateSerializer.Deserialize(MonoOracle.IncrementCount(ours), MonoRecordedCollectionTests.Serializer());
        Assert.Equal(8, items["Count"]);
        Assert.Equal(s_g, items["G"]);
        Assert.Equal(["admin", "user"], Assert.IsType<MonoProfile>(items["Prof"]).Roles!);
    }

    private static SessionStateItemCollection BuildSample()
    {
        var items = new SessionStateItemCollection { ValueSerializer = MonoRecordedCollectionTests.Serializer() };
        items["Count"] = 7;
        items["UserName"] = "Zoë ☃";
        items["Big"] = -9_000_000_000L;
        items["Flag"] = true;
        items["Ratio"] = 2.5;
        items["Single"] = 1.25f;
        items["Price"] = 12.50m;
        items["G"] = s_g;
        items["Span"] = TimeSpan.FromSeconds(90);
        items["When"] = new DateTime(638505760891234567, DateTimeKind.Utc);
        items["Nothing"] = null;
        items["Ch"] = 'é';
        items["B"] = (byte)200;
        items["SB"] = (sbyte)-5;
        items["S"] = (short)-300;
        items["US"] = (ushort)60000;
        items["UI"] = 4_000_000_000u;
        items["UL"] = 18_000_000_000_000_000_000ul;
        items["Tier"] = 1;
        items["Prof"] = MonoRecordedCollectionTests.NewProfile();
        items["Cart"] = MonoRecordedCollectionTests.NewCart();
        return items;
    }
}
