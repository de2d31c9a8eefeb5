using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Values.Tests;

public sealed class FuzzTests
{
    private const int Iterations = 100_000;

    [Fact]
    public void MutatedPayloads_DecodeOrFailWithAFormatException()
    {
        var seeds = VectorValueTests.Values().Select(row => Convert.FromHexString((string)row.Data.Item2)[1..]).Distinct().ToArray();
        var random = new Random(20261123);
        int decoded = 0, rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var payload = (byte[])seeds[random.Next(seeds.Length)].Clone();
            var mutations = 1 + random.Next(4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(4))
                {
                    case 0: payload[random.Next(payload.Length)] = (byte)random.Next(256); break;
                    case 1: payload[random.Next(payload.Length)] ^= (byte)(1 << random.Next(8)); break;
                    case 2: payload = payload[..random.Next(1, payload.Length)]; break;
                    default:
                        var at = random.Next(Math.Max(1, payload.Length - 4));
                        if (payload.Length < 4) { break; }
                        BitConverter.TryWriteBytes(payload.AsSpan(at), random.Next(4) switch { 0 => -1, 1 => int.MaxValue, 2 => 0, _ => random.Next() });
                        break;
                }
            }

            try
            {
                _ = Oracle.Serializer.Deserialize(new(payload));
                decoded++;
            }
            catch (LegacySessionFormatException)
            {
                rejected++;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"fuzz: {Iterations} mutated payloads, {decoded} decoded, {rejected} rejected with LegacySessionFormatException");
        Assert.Equal(Iterations, decoded + rejected);
    }
}
