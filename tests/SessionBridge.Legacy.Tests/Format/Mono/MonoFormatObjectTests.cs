using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary><see cref="LegacySessionFormat"/> in Mono's dialect: what every store converts through.</summary>
public sealed class MonoFormatObjectTests
{
    [Fact]
    public void TheItemCollection_FollowsTheDialect()
    {
        var mono = new LegacySessionFormat(MonoRecordedCollectionTests.Serializer(), dialect: LegacySessionDialect.Mono);
        var recorded = MonoRecordedCollectionTests.State("alice2");

        var items = mono.DeserializeItems(recorded);

        Assert.Same(mono.Values, items.ValueSerializer);
        MonoRecordedCollectionTests.AssertSetItems(items, 2, "alice");
        Assert.Equal(recorded, mono.SerializeItems(MonoSessionStateSerializer.Deserialize(recorded)));
        Assert.Throws<LegacySessionFormatException>(() => LegacySessionFormat.Default.DeserializeItems(recorded));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StoreItems_AreMonosCollectionData_WithTheTimeoutBeside(bool compressed)
    {
        var mono = new LegacySessionFormat(compressionEnabled: compressed, dialect: LegacySessionDialect.Mono);
        var data = mono.CreateEmpty(35);
        data.Items["Count"] = 1;

        var bytes = mono.SerializeStoreItems(data);

        Assert.Equal(compressed, bytes[0] == 0x1F && bytes[1] == 0x8B);
        Assert.Equal("0100000005436F756E740901000000", Convert.ToHexString(MonoSessionStateSerializer.Serialize(MonoSessionStateSerializer.Deserialize(bytes, compressed))));
        var read = mono.DeserializeStoreItems(bytes, 35);
        Assert.Equal(35, read.Timeout);
        Assert.Equal(1, read.Items["Count"]);
        Assert.Equal(0, mono.DeserializeStoreItems(ReadOnlyMemory<byte>.Empty, 20).Items.Count);
    }

    [Fact]
    public void InMicrosoftsDialect_StoreItemsAreTheWholeBlob()
    {
        var data = LegacySessionFormat.Default.CreateEmpty(20);
        data.Items["a"] = "b";
        var blob = LegacySessionFormat.Default.SerializeStoreItems(data);
        Assert.Equal(SessionStateSerializer.Serialize(data), blob);
        Assert.Equal("b", LegacySessionFormat.Default.DeserializeStoreItems(blob, 99).Items["a"]);
        Assert.Equal(20, LegacySessionFormat.Default.DeserializeStoreItems(blob, 99).Timeout);
    }

    [Fact]
    public void WithDialect_KeepsEverythingElse()
    {
        var format = new LegacySessionFormat(MonoRecordedCollectionTests.Serializer(), compressionEnabled: true, maxUncompressedLength: 1234);
        var mono = format.WithDialect(LegacySessionDialect.Mono);

        Assert.Equal(LegacySessionDialect.Microsoft, format.Dialect);
        Assert.Equal(LegacySessionDialect.Mono, mono.Dialect);
        Assert.Same(format.Values, mono.Values);
        Assert.True(mono.CompressionEnabled);
        Assert.Equal(1234, mono.MaxUncompressedLength);
        Assert.Same(format, format.WithDialect(LegacySessionDialect.Microsoft));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LegacySessionFormat(dialect: (LegacySessionDialect)5));
    }

    [Fact]
    public void AStaticObjectsSection_IsRefusedInMonosDialect_NotDropped()
    {
        var withStatics = SessionStateSerializer.Deserialize(Convert.FromHexString("1400000000010100000001610002000000FF"));
        Assert.NotNull(withStatics.StaticObjects);
        var mono = LegacySessionFormat.Default.WithDialect(LegacySessionDialect.Mono);
        Assert.Contains("static objects", Assert.Throws<LegacySessionFormatException>(() => mono.SerializeStoreItems(withStatics)).Message);
    }
}
