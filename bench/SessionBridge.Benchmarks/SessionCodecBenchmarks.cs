using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Benchmarks;

/// <summary>
/// Parse a stored session and write it back, unchanged or after reading every value: SessionBridge's codec on the
/// System.Web blob against System.Text.Json round-tripping the same data as <c>Dictionary&lt;string, object&gt;</c>.
/// </summary>
[MemoryDiagnoser]
public class SessionCodecBenchmarks
{
    private byte[] _blob = [];
    private byte[] _json = [];

    [Params(10, 100, 1000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new SessionStateData(20);
        var values = new Dictionary<string, object>();
        var random = new Random(42);
        for (var i = 0; i < Items; i++)
        {
            object value = (i % 8) switch
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
            data.Items["key" + i] = value;
            values["key" + i] = value;
        }

        _blob = SessionStateSerializer.Serialize(data);
        _json = JsonSerializer.SerializeToUtf8Bytes(values);
    }

    [Benchmark(Baseline = true)]
    public byte[] Json_ParseAndWriteBack() =>
        JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<Dictionary<string, object>>(_json));

    [Benchmark]
    public byte[] Legacy_ParseAndWriteBackUnchanged() =>
        SessionStateSerializer.Serialize(SessionStateSerializer.Deserialize(_blob));

    [Benchmark]
    public byte[] Json_ParseReadEveryValueAndWrite()
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(_json)!;
        var copy = new Dictionary<string, object?>(values.Count);
        foreach (var (key, element) in values)
        {
            copy[key] = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.True or JsonValueKind.False => element.GetBoolean(),
                _ => null,
            };
        }

        return JsonSerializer.SerializeToUtf8Bytes(copy);
    }

    [Benchmark]
    public byte[] Legacy_ParseReadEveryValueAndWrite()
    {
        var data = SessionStateSerializer.Deserialize(_blob);
        var items = data.Items;
        for (var i = 0; i < items.Count; i++)
        {
            _ = items[i];
        }

        return SessionStateSerializer.Serialize(data);
    }
}
