using BenchmarkDotNet.Attributes;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Benchmarks;

/// <summary>
/// Parse a stored session's items and write them back unchanged: Microsoft's layout (the baseline) against Mono's
/// dialect holding the same items. Mono's layout has no lengths, so its reader walks every object value's NRBF
/// records to find where it ends; the mix holds Guids, which Mono writes as NRBF objects (one item in eight).
/// </summary>
[MemoryDiagnoser]
public class MonoCodecBenchmarks
{
    private byte[] _microsoft = [];
    private byte[] _mono = [];

    [Params(10, 100)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var items = new SessionStateItemCollection();
        var random = new Random(42);
        for (var i = 0; i < Items; i++)
        {
            items["key" + i] = (i % 8) switch
            {
                0 => "user-" + random.Next(),
                1 => random.Next(),
                2 => random.Next(2) == 0,
                3 => new DateTime(2024, 1, 1).AddSeconds(random.Next()),
                4 => random.NextDouble(),
                5 => Guid.NewGuid(),
                6 => (decimal)random.Next() / 100,
                _ => new string('x', random.Next(10, 60)),
            };
        }

        _microsoft = SessionStateSerializer.SerializeItems(items);
        _mono = MonoSessionStateSerializer.Serialize(items);
    }

    [Benchmark(Baseline = true)]
    public byte[] Microsoft_ParseAndWriteBackUnchanged() =>
        SessionStateSerializer.SerializeItems(SessionStateSerializer.DeserializeItems(_microsoft));

    [Benchmark]
    public byte[] Mono_ParseAndWriteBackUnchanged() =>
        MonoSessionStateSerializer.Serialize(MonoSessionStateSerializer.Deserialize(_mono));
}
