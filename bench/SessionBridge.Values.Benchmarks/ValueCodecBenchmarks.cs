using System.Runtime.Serialization.Formatters.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LegacyApp.Models;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Values.Benchmarks;

/// <summary>
/// Decode and encode a Cart of 50 CartItems and a UserProfile: SessionBridge's NRBF codec against BinaryFormatter
/// (the bench-only reference, marked as the baseline of each category).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ValueCodecBenchmarks
{
    private const string Assembly = "LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";

    private readonly LegacyValueSerializer _serializer = new(new LegacyTypeMap()
        .Map<CartItem>("LegacyApp.Models.CartItem, " + Assembly)
        .Map<Cart>("LegacyApp.Models.Cart, " + Assembly)
        .Map<UserProfile>("LegacyApp.Models.UserProfile, " + Assembly));

#pragma warning disable SYSLIB0011
    private readonly BinaryFormatter _formatter = new();
#pragma warning restore SYSLIB0011

    private Cart _cart = null!;
    private UserProfile _profile = null!;
    private byte[] _cartBytes = null!;
    private byte[] _profileBytes = null!;
    private SerializedObject _cartPayload = null!;
    private SerializedObject _profilePayload = null!;

    [GlobalSetup]
    public void Setup()
    {
        // BenchmarkDotNet builds its own host project, which does not inherit EnableUnsafeBinaryFormatterSerialization.
        AppContext.SetSwitch("System.Runtime.Serialization.EnableUnsafeBinaryFormatterSerialization", true);
        _cart = new Cart
        {
            CartId = Guid.Parse("19b60c82-7aca-dbea-ba35-eae98a074e71"),
            Items = [.. Enumerable.Range(0, 50).Select(i => new CartItem { Sku = "SKU-" + (10000 + i), Quantity = 1 + (i % 9), Price = 10.25m + i })],
        };
        _profile = new UserProfile
        {
            Name = "Ann Example",
            Id = 412882,
            LastLogin = new DateTime(2024, 5, 1, 8, 0, 0, DateTimeKind.Utc),
            Roles = ["User", "Editor"],
            IsAdmin = false,
        };
        _cartBytes = BfSerialize(_cart);
        _profileBytes = BfSerialize(_profile);
        _cartPayload = new SerializedObject(_cartBytes);
        _profilePayload = new SerializedObject(_profileBytes);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Decode Cart(50)")]
    public object DecodeCart_BinaryFormatter() => BfDeserialize(_cartBytes);

    [Benchmark, BenchmarkCategory("Decode Cart(50)")]
    public object? DecodeCart_SessionBridge() => _serializer.Deserialize(_cartPayload);

    /// <summary>System.Formats.Nrbf alone (records only, no objects): the floor under SessionBridge's decoder.</summary>
    [Benchmark, BenchmarkCategory("Decode Cart(50)")]
    public object DecodeCart_NrbfDecoderOnly()
    {
        using var stream = new MemoryStream(_cartBytes, writable: false);
        return System.Formats.Nrbf.NrbfDecoder.Decode(stream);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Encode Cart(50)")]
    public byte[] EncodeCart_BinaryFormatter() => BfSerialize(_cart);

    [Benchmark, BenchmarkCategory("Encode Cart(50)")]
    public SerializedObject EncodeCart_SessionBridge() => _serializer.Serialize(_cart);

    [Benchmark(Baseline = true), BenchmarkCategory("Decode UserProfile")]
    public object DecodeProfile_BinaryFormatter() => BfDeserialize(_profileBytes);

    [Benchmark, BenchmarkCategory("Decode UserProfile")]
    public object? DecodeProfile_SessionBridge() => _serializer.Deserialize(_profilePayload);

    /// <summary>System.Formats.Nrbf alone (records only, no objects): the floor under SessionBridge's decoder.</summary>
    [Benchmark, BenchmarkCategory("Decode UserProfile")]
    public object DecodeProfile_NrbfDecoderOnly()
    {
        using var stream = new MemoryStream(_profileBytes, writable: false);
        return System.Formats.Nrbf.NrbfDecoder.Decode(stream);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Encode UserProfile")]
    public byte[] EncodeProfile_BinaryFormatter() => BfSerialize(_profile);

    [Benchmark, BenchmarkCategory("Encode UserProfile")]
    public SerializedObject EncodeProfile_SessionBridge() => _serializer.Serialize(_profile);

    private byte[] BfSerialize(object value)
    {
        using var stream = new MemoryStream();
#pragma warning disable SYSLIB0011
        _formatter.Serialize(stream, value);
        return stream.ToArray();
    }

    private object BfDeserialize(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return _formatter.Deserialize(stream);
#pragma warning restore SYSLIB0011
    }
}
