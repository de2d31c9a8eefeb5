using System.Buffers.Binary;
using System.IO.Compression;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Legacy.Tests.Format;

/// <summary>
/// Mutated and random inputs through every entry point of the decoder: the only exception allowed is
/// <see cref="LegacySessionFormatException"/>, and no input may make the decoder allocate more than a small multiple
/// of its own size.
/// </summary>
public sealed class DecoderRobustnessTests
{
    private const int MutatedInputs = 1_000_000;
    private const int RandomInputs = 50_000;
    private const int CompressedInputs = 20_000;

    private static readonly int[] s_interestingInts = [0, 1, -1, 2, 4, 5, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, int.MaxValue, int.MinValue, int.MaxValue - 1, 1 << 30, -2];

    private readonly ITestOutputHelper _output;

    public DecoderRobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void A20ByteBlobClaiming2To31Items_FailsFastWithoutAllocating()
    {
        var blob = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(blob, 20);
        blob[4] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(6), int.MaxValue);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(10), -1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(blob));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("2147483647 items", ex.Message);
        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void AnObjectSlotEndingAtInt32MinValue_FailsWithTheFormatException()
    {
        // Found by the mutation test: 'end - start' overflowed for an NRBF value's slot. Item b's slot is
        // [6, int.MinValue) and starts with type byte 20; the last offset (8) gives the values region's length.
        var data = SessionStateSerializer.Deserialize(Convert.FromHexString(
            "14000000" + "01" + "00" + "03000000" + "FFFFFFFF" + "0161" + "0162" + "0163" + "06000000" + "00000080" + "08000000" + "1400010203041400" + "FF"));
        Assert.IsType<SerializedObject>(data.Items["a"]);
        Assert.Throws<LegacySessionFormatException>(() => data.Items["b"]);
    }

    [Fact]
    public void AHugeDeclaredValuesRegion_FailsWithoutAllocatingIt()
    {
        // One item whose offset table claims a values region of int.MaxValue bytes.
        var blob = Convert.FromHexString("14000000010001000000FFFFFFFF0161FFFFFF7F0201000000FF");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(blob));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
    }

    [Fact]
    public void ADecompressionBomb_StopsAtTheLimit()
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[8 * 1024 * 1024]);
        }

        var bomb = buffer.ToArray();
        Assert.True(bomb.Length < 64 * 1024);
        var ex = Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(bomb, compressed: true, maxUncompressedLength: 1024 * 1024));
        Assert.Contains("limit", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void ATinyInflateLimit_IsHonoured(int limit)
    {
        var blob = SessionStateSerializer.Serialize(new SessionStateData(20) { Items = { ["a"] = new string('x', 500) } }, compressed: true);
        Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(blob, compressed: true, maxUncompressedLength: limit));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionStateSerializer.Deserialize(blob, compressed: true, maxUncompressedLength: 0));
    }

    [Fact]
    public void MutatedRandomAndCompressedInputs_OnlyEverThrowTheFormatException()
    {
        var random = new Random(1729);
        var seeds = Seeds(random);
        var stats = new Stats();

        for (var i = 0; i < MutatedInputs; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Count)], random);
            Exercise(input, compressed: false, stats);
        }

        for (var i = 0; i < RandomInputs; i++)
        {
            var input = new byte[random.Next(0, 64)];
            random.NextBytes(input);
            Exercise(input, compressed: false, stats);
        }

        for (var i = 0; i < CompressedInputs; i++)
        {
            var plain = Mutate(seeds[random.Next(seeds.Count)], random);
            var deflated = Deflate(plain);
            Exercise(random.Next(4) == 0 ? Mutate(deflated, random) : deflated, compressed: true, stats);
        }

        _output.WriteLine(
            $"inputs: {stats.Inputs:N0} (mutated {MutatedInputs:N0}, random {RandomInputs:N0}, compressed {CompressedInputs:N0}); " +
            $"blob accepted {stats.BlobsAccepted:N0}, rejected {stats.BlobsRejected:N0}; item collections accepted {stats.CollectionsAccepted:N0}; " +
            $"values read {stats.ValuesRead:N0}, value errors {stats.ValueErrors:N0}; re-serialized {stats.Reserialized:N0}, re-serialize errors {stats.ReserializeErrors:N0}; " +
            $"largest allocation {stats.MaxAllocated:N0} bytes for a {stats.MaxAllocatedInputLength:N0}-byte input");
        Assert.Equal(MutatedInputs + RandomInputs + CompressedInputs, stats.Inputs);
        Assert.True(stats.BlobsAccepted > 10_000, "the mutations should leave many inputs valid");
        Assert.True(stats.BlobsRejected > 10_000, "the mutations should break many inputs");
    }

    private static void Exercise(byte[] input, bool compressed, Stats stats)
    {
        stats.Inputs++;
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var data = SessionStateSerializer.Deserialize(input, compressed, maxUncompressedLength: 1024 * 1024);
            stats.BlobsAccepted++;
            ReadEverything(data.Items, stats);
            try
            {
                var again = SessionStateSerializer.Serialize(data);
                stats.Reserialized++;

                // What SessionBridge writes, it reads back.
                _ = SessionStateSerializer.Deserialize(again);
            }
            catch (LegacySessionFormatException)
            {
                stats.ReserializeErrors++;
            }
        }
        catch (LegacySessionFormatException)
        {
            stats.BlobsRejected++;
        }
        catch (Exception ex)
        {
            Assert.Fail($"Deserialize(compressed: {compressed}) threw {ex}\ninput: {Convert.ToHexString(input)}");
        }

        if (!compressed)
        {
            try
            {
                var items = SessionStateSerializer.DeserializeItems(input);
                stats.CollectionsAccepted++;
                ReadEverything(items, stats);
                _ = SessionStateSerializer.DeserializeItems(SessionStateSerializer.SerializeItems(items));
            }
            catch (LegacySessionFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"DeserializeItems threw {ex}\ninput: {Convert.ToHexString(input)}");
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > stats.MaxAllocated)
        {
            stats.MaxAllocated = allocated;
            stats.MaxAllocatedInputLength = input.Length;
        }

        // Bounded by the input: a few times its size plus a fixed allowance (compressed inputs by the inflate limit).
        var limit = compressed ? 4L * 1024 * 1024 : (64L * 1024) + (64L * input.Length);
        Assert.True(allocated <= limit, $"allocated {allocated} bytes for a {input.Length}-byte input: {Convert.ToHexString(input)}");
    }

    private static void ReadEverything(SessionStateItemCollection items, Stats stats)
    {
        for (var i = 0; i < items.Count; i++)
        {
            _ = items.GetKey(i);
            _ = items.GetTypeCode(i);
            try
            {
                _ = items[i];
                stats.ValuesRead++;
            }
            catch (LegacySessionFormatException)
            {
                stats.ValueErrors++;
            }
        }
    }

    private static List<byte[]> Seeds(Random random)
    {
        var seeds = new List<byte[]>();
        foreach (var vector in VectorFiles.Vectors("session-blobs.json"))
        {
            var hex = (bool)vector["compressed"]! ? (string)vector["uncompressedHex"]! : (string)vector["blobHex"]!;
            if (hex.Length <= 8192)
            {
                seeds.Add(Convert.FromHexString(hex));
            }
        }

        foreach (var vector in VectorFiles.Vectors("session-decode-only.json"))
        {
            if (!(bool)vector["compressed"]!)
            {
                seeds.Add(Convert.FromHexString((string)vector["blobHex"]!));
            }
        }

        // Sessions of every value type, from the fixed-seed generator, so that a failure reproduces.
        for (var i = 0; i < 50; i++)
        {
            var data = new SessionStateData(random.Next(1, 600));
            var count = random.Next(0, 30);
            for (var j = 0; j < count; j++)
            {
                data.Items[j == 3 ? null : "k" + j] = RandomValue(random);
            }

            seeds.Add(SessionStateSerializer.Serialize(data));
        }

        return seeds;
    }

    private static object? RandomValue(Random random) => random.Next(21) switch
    {
        0 => new string('s', random.Next(0, 200)),
        1 => random.Next(),
        2 => random.Next(2) == 0,
        3 => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks)),
        4 => (decimal)random.NextDouble() * random.Next(),
        5 => (byte)random.Next(256),
        6 => (char)random.Next(0xD800),
        7 => (float)random.NextDouble(),
        8 => random.NextDouble(),
        9 => (sbyte)random.Next(-128, 128),
        10 => (short)random.Next(short.MinValue, short.MaxValue),
        11 => random.NextInt64(),
        12 => (ushort)random.Next(ushort.MaxValue),
        13 => (uint)random.NextInt64(uint.MaxValue),
        14 => (ulong)random.NextInt64(),
        15 => new TimeSpan(random.NextInt64()),
        16 => new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray()),
        17 => (nint)random.NextInt64(),
        18 => (nuint)random.NextInt64(),
        19 => new SerializedObject(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256)).ToArray()),
        _ => null,
    };

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes[position] = random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 };
                    break;
                case 3 when bytes.Count >= 4:
                    var value = s_interestingInts[random.Next(s_interestingInts.Length)];
                    position = Math.Min(position, bytes.Count - 4);
                    for (var b = 0; b < 4; b++)
                    {
                        bytes[position + b] = (byte)(value >> (8 * b));
                    }

                    break;
                case 4:
                    bytes.Insert(position, (byte)random.Next(256));
                    break;
                case 5 when bytes.Count > 0:
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, 1 + random.Next(4)));
                    break;
                case 6 when bytes.Count > 0:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                default:
                    if (bytes.Count > 8)
                    {
                        var start = random.Next(bytes.Count - 4);
                        var length = random.Next(1, Math.Min(16, bytes.Count - start));
                        bytes.InsertRange(position, bytes.GetRange(start, length));
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Deflate(byte[] plain)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(plain);
        }

        buffer.WriteByte(0xFF);
        return buffer.ToArray();
    }

    private sealed class Stats
    {
        public int Inputs;
        public int BlobsAccepted;
        public int BlobsRejected;
        public int CollectionsAccepted;
        public long ValuesRead;
        public long ValueErrors;
        public int Reserialized;
        public int ReserializeErrors;
        public long MaxAllocated;
        public int MaxAllocatedInputLength;
    }
}
