using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>The parts of the Redis store that need no server: lock values, options, the v2–v4 item codec.</summary>
public sealed class RedisStoreUnitTests
{
    private static FakeTimeProvider Clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        return clock;
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("99999999999999999999999")]
    [InlineData("3155378976000000001")] // beyond DateTime.MaxValue
    public void LockAge_OfAValueThatIsNoTickCount_IsOlderThanAnyExecutionTimeout(string value) =>
        Assert.True(LegacyLockValue.Age(value, Clock()) > TimeSpan.FromDays(365 * 2000));

    [Fact]
    public void LockAge_OfALockFromTheFuture_IsZero() =>
        Assert.Equal(TimeSpan.Zero, LegacyLockValue.Age(new DateTime(2026, 3, 1, 12, 0, 5).Ticks.ToString(CultureInfo.InvariantCulture), Clock()));

    [Fact]
    public void LockValues_OfOneStore_AreDistinctEvenWithinOneTick()
    {
        var clock = Clock();
        long last = 0;
        var values = Enumerable.Range(0, 100).Select(_ => LegacyLockValue.Create(clock, null, ref last)).ToList();

        Assert.Equal(100, values.Distinct().Count());
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0).Ticks.ToString(CultureInfo.InvariantCulture), values[0]);
    }

    [Theory]
    [InlineData(null, "Configuration")]
    [InlineData("", "Configuration")]
    public void Options_WithoutAConnection_SayWhatToSet(string? configuration, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RedisSessionStore(new RedisSessionStoreOptions { Configuration = configuration }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithFractionalOrTinyTimeouts_AreRejectedWithTheOptionName()
    {
        var fractional = Assert.Throws<InvalidOperationException>(() => new RedisSessionStore(new RedisSessionStoreOptions
        {
            Configuration = "localhost",
            ExecutionTimeout = TimeSpan.FromMilliseconds(1500),
        }));
        Assert.Contains("ExecutionTimeout", fractional.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<InvalidOperationException>(() => new RedisSessionStore(new RedisSessionStoreOptions
        {
            Configuration = "localhost",
            ApplicationName = "",
        }));
        Assert.Contains("ApplicationName", empty.Message, StringComparison.Ordinal);

        var timeout = Assert.Throws<InvalidOperationException>(() => new RedisSessionStore(new RedisSessionStoreOptions
        {
            Configuration = "localhost",
            OperationTimeout = TimeSpan.Zero,
        }));
        Assert.Contains("OperationTimeout", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashCodec_KeepsBytesThatAreNotNrbf_Verbatim()
    {
        byte[] custom = [0x7B, 0x22, 0x61, 0x22, 0x7D]; // e.g. a custom redisSerializerType's JSON

        var value = Assert.IsType<SerializedObject>(RedisHashItemCodec.Decode(custom));

        Assert.Equal(custom, value.Payload.ToArray());
        Assert.Equal(custom, RedisHashItemCodec.Encode(value, "k", values: null, nullMarker: []));
    }

    [Fact]
    public void HashCodec_WritesNullAsTheMarker_AndRefusesNullKeys_WithTheFormatException()
    {
        byte[] marker = [1, 2, 3];
        Assert.Same(marker, RedisHashItemCodec.Encode(null, "k", values: null, nullMarker: marker));
        var items = new SessionStateItemCollection { [null] = "x" };
        var error = Assert.Throws<LegacySessionFormatException>(() => RedisHashItemCodec.WriteAll(items, null, marker));
        Assert.Contains("null key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashCodec_AnObjectWithoutAValueSerializer_IsTheFormatException_NamingTheItem()
    {
        var error = Assert.Throws<LegacySessionFormatException>(() => RedisHashItemCodec.Encode(new Uri("https://example.invalid/"), "Link", values: null, nullMarker: []));
        Assert.Contains("'Link'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UninitializedItem_IsTheVectorsBytes()
    {
        var vector = Convert.FromHexString((string)Infrastructure.Vectors.Blob("redis-v5-uninitialized-item-collection")["blobHex"]!);
        Assert.Equal(vector, RedisUninitializedItem.CreateV5Blob(LegacySessionFormat.Default));
    }

    [Fact]
    public void UninitializedItem_InMonosDialect_IsWhatMonosAltSerializationWritesForTheEnum()
    {
        // Mono writes Type.GetTypeCode(value) first, which for SessionStateActions is Int32 (9), then the int 1.
        var mono = RedisUninitializedItem.CreateV5Blob(new LegacySessionFormat(dialect: LegacySessionDialect.Mono));
        Assert.Equal([1, 0, 0, 0, 19, .. "SessionStateActions"u8.ToArray(), 9, 1, 0, 0, 0], mono);
    }

    [Fact]
    public void Keys_AreTheProvidersKeys_WithOneHashTag()
    {
        var v5 = RedisSessionKeys.Create("/", "abc", RedisKeyLayout.V5);
        var v2 = RedisSessionKeys.Create("/App", "abc", RedisKeyLayout.V2To4);

        Assert.Equal(["{/_abc}_WriteLock", "{/_abc}_SessionStateItemCollection", "{/_abc}_SessionTimeout", "{/_abc}_Data", "{/_abc}_SessionBridgeWaiting"],
            v5.ForReads.Select(k => (string?)k));
        Assert.Equal(["{/App_abc}_Write_Lock", "{/App_abc}_Data", "{/App_abc}_Internal", "{/App_abc}_SessionBridgeWaiting"],
            v2.ForReleases.Select(k => (string?)k));
    }
}
