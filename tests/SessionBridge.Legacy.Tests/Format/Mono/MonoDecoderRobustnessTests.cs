using System.Buffers.Binary;
using System.IO.Compression;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>
/// Hostile, corrupt and unusual input for Mono's dialect: the only exception allowed is
/// <see cref="LegacySessionFormatException"/>, allocation stays bounded by the input, and what is accepted is written
/// back and read again.
/// </summary>
public sealed class MonoDecoderRobustnessTests
{
    private const int MutatedInputs = 150_000;
    private const int RandomInputs = 30_000;
    private const int CompressedInputs = 10_000;

    private static readonly int[] s_interestingInts = [0, 1, -1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, int.MaxValue, int.MinValue, 1 << 30, -2];

    private readonly ITestOutputHelper _output;

    public MonoDecoderRobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EmptyInput_IsAnEmptyCollection_AsInMono()
    {
        Assert.Equal(0, MonoSessionStateSerializer.Deserialize(ReadOnlyMemory<byte>.Empty).Count);
        Assert.Equal(0, MonoSessionStateSerializer.Deserialize(ReadOnlyMemory<byte>.Empty, compressed: true).Count);
        Assert.Equal(0, MonoSessionStateSerializer.Deserialize(new byte[4]).Count);
        Assert.Equal(new byte[4], MonoSessionStateSerializer.Serialize(new SessionStateItemCollection()));
    }

    [Fact]
    public void ACountOf2To31_FailsFastWithoutAllocating()
    {
        var blob = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(blob, int.MaxValue);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(blob));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024);
        Assert.Contains("2147483647 items", ex.Message);
    }

    [Fact]
    public void ANegativeCount_IsRefused()
    {
        var ex = Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(Convert.FromHexString("FFFFFFFF")));
        Assert.Contains("negative", ex.Message);
    }

    [Theory]
    [InlineData("01000000" + "0161" + "11" + "00000000000000000000000000000000", "type code 17")] // 17 is not a TypeCode
    [InlineData("01000000" + "0161" + "13", "type code 19")]
    [InlineData("01000000" + "0161" + "FF", "type code 255")]
    [InlineData("01000000" + "0161" + "09" + "010000", "Int32")] // truncated
    [InlineData("01000000" + "0161" + "12" + "05616263", "string value")] // a string shorter than its length
    [InlineData("01000000" + "0161" + "09" + "01000000" + "00", "follow the last")] // trailing bytes
    [InlineData("02000000" + "0161" + "0901000000" + "0141" + "0902000000", "appears twice")] // keys compare case-insensitively
    [InlineData("01000000" + "0161" + "01" + "0001000000FFFFFFFF0100000000000000", "BinaryFormatter stream")] // NRBF cut short
    [InlineData("01000000" + "0161" + "04" + "F09F9880", "4-byte UTF-8")]
    public void CorruptCollections_FailWithASpecificMessage(string hex, string expected)
    {
        var ex = Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(Convert.FromHexString(hex)));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void DBNull_ReadsAsNull_AndIsWrittenBackAsDBNullWhileUntouched()
    {
        var blob = Convert.FromHexString("02000000" + "0161" + "02" + "0162" + "0901000000");
        var items = MonoSessionStateSerializer.Deserialize(blob);
        items["b"] = 2;
        Assert.Equal(Convert.FromHexString("02000000" + "0161" + "02" + "0162" + "0902000000"), MonoSessionStateSerializer.Serialize(items));
        Assert.Null(items["a"]);
        Assert.Equal(Convert.FromHexString("02000000" + "0161" + "00" + "0162" + "0902000000"), MonoSessionStateSerializer.Serialize(items));
    }

    [Fact]
    public void WhatMonosFormatCannotHold_IsRefusedWithTheReason()
    {
        var nullKey = new SessionStateItemCollection { [null] = 1 };
        Assert.Contains("null key", Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Serialize(nullKey)).Message);

        var pointer = new SessionStateItemCollection { ["p"] = (nint)5 };
        Assert.Contains("IntPtr", Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Serialize(pointer)).Message);
    }

    [Fact]
    public void ADecompressionBomb_StopsAtTheLimit()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[8 * 1024 * 1024]);
        }

        var ex = Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(buffer.ToArray(), compressed: true, maxUncompressedLength: 1024 * 1024));
        Assert.Contains("limit", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MonoSessionStateSerializer.Deserialize(buffer.ToArray(), compressed: true, maxUncompressedLength: 0));
    }

    [Fact]
    public void UncompressedBytesReadAsCompressed_SayWhatToSet()
    {
        var plain = MonoSessionStateSerializer.Serialize(new SessionStateItemCollection { ["a"] = 1 });
        var ex = Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(plain, compressed: true));
        Assert.Contains("compressionEnabled", ex.Message);
    }

    [Fact]
    public void EveryTypeRoundTrips_AndEveryRecordedCollectionSplitsNowhere()
    {
        var items = new SessionStateItemCollection
        {
            ["s"] = "text é ☃", ["i"] = int.MinValue, ["b"] = false, ["d"] = DateTime.MaxValue, ["m"] = -79228162514264337593543950335m,
            ["y"] = (byte)1, ["c"] = '\uFFFD', ["f"] = float.NaN, ["o"] = double.NegativeInfinity, ["sb"] = sbyte.MinValue,
            ["h"] = short.MaxValue, ["l"] = long.MinValue, ["uh"] = ushort.MaxValue, ["ui"] = uint.MaxValue, ["ul"] = ulong.MaxValue,
            ["t"] = TimeSpan.MinValue, ["g"] = Guid.NewGuid(), ["n"] = null, ["raw"] = new SerializedObject(Convert.FromHexString("0001000000FFFFFFFF01000000000000000601000000036162630B")),
        };
        var bytes = MonoSessionStateSerializer.Serialize(items);
        var again = MonoSessionStateSerializer.Deserialize(bytes, MonoRecordedCollectionTests.Serializer());
        foreach (var key in items.Keys)
        {
            if (key == "raw")
            {
                continue;
            }

            Assert.Equal(items[key], again[key]);
        }

        Assert.Equal(bytes, MonoSessionStateSerializer.Serialize(again));

        // Every prefix of a valid collection is refused (nothing in Mono's layout makes a prefix valid by accident
        // except the count-0 prefix).
        foreach (var recorded in MonoRecordings.CollectionData().Select(r => r.Bytes).Append(bytes))
        {
            for (var length = 1; length < recorded.Length; length++)
            {
                Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(recorded.AsMemory(0, length)));
            }
        }
    }

    [Fact]
    public void MutatedRandomAndCompressedInputs_OnlyEverThrowTheFormatException()
    {
        var random = new Random(4242);
        var seeds = MonoRecordings.CollectionData().Select(r => r.Bytes).Distinct(new BytesComparer()).ToList();
        seeds.Add(MonoSessionStateSerializer.Serialize(new SessionStateItemCollection { ["a"] = "b", ["c"] = 'x', ["d"] = 1.5m, ["e"] = Guid.Empty, ["f"] = TimeSpan.Zero }));
        var stats = new Stats();

        for (var i = 0; i < MutatedInputs; i++)
        {
            Exercise(Mutate(seeds[random.Next(seeds.Count)], random), compressed: false, stats);
        }

        for (var i = 0; i < RandomInputs; i++)
        {
            var input = new byte[random.Next(0, 64)];
            random.NextBytes(input);
            if (input.Length >= 4 && random.Next(2) == 0)
            {
                BinaryPrimitives.WriteInt32LittleEndian(input, random.Next(1, 4));
            }

            Exercise(input, compressed: false, stats);
        }

        for (var i = 0; i < CompressedInputs; i++)
        {
            var gzipped = GZip(Mutate(seeds[random.Next(seeds.Count)], random));
            Exercise(random.Next(4) == 0 ? Mutate(gzipped, random) : gzipped, compressed: true, stats);
        }

        _output.WriteLine(
            $"inputs {stats.Inputs:N0}: accepted {stats.Accepted:N0}, rejected {stats.Rejected:N0}; values read {stats.ValuesRead:N0}, " +
            $"value errors {stats.ValueErrors:N0}; re-serialized {stats.Reserialized:N0}, refused on write {stats.WriteErrors:N0}; largest allocation {stats.MaxAllocated:N0} bytes");
        Assert.True(stats.Accepted > 5_000, "the mutations should leave many inputs valid");
        Assert.True(stats.Rejected > 5_000, "the mutations should break many inputs");
    }

    private static void Exercise(byte[] input, bool compressed, Stats stats)
    {
        stats.Inputs++;
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var items = MonoSessionStateSerializer.Deserialize(input, MonoRecordedCollectionTests.Serializer(), compressed, maxUncompressedLength: 1024 * 1024);
            stats.Accepted++;
            var untouched = MonoSessionStateSerializer.Serialize(MonoSessionStateSerializer.Deserialize(input, compressed, 1024 * 1024));
            if (!compressed)
            {
                // Untouched, the bytes come back as they were unless a key's length prefix was not minimal.
                _ = MonoSessionStateSerializer.Deserialize(untouched);
            }

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

            try
            {
                var again = MonoSessionStateSerializer.Serialize(items);
                stats.Reserialized++;
                _ = MonoSessionStateSerializer.Deserialize(again);
            }
            catch (Exception ex) when (ex is LegacySessionFormatException or NotSupportedException)
            {
                stats.WriteErrors++;
            }
        }
        catch (LegacySessionFormatException)
        {
            stats.Rejected++;
        }
        catch (Exception ex)
        {
            Assert.Fail($"Deserialize(compressed: {compressed}) threw {ex}\ninput: {Convert.ToHexString(input)}");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        stats.MaxAllocated = Math.Max(stats.MaxAllocated, allocated);
        var limit = compressed ? 8L * 1024 * 1024 : (256L * 1024) + (256L * input.Length);
        Assert.True(allocated <= limit, $"allocated {allocated} bytes for a {input.Length}-byte input: {Convert.ToHexString(input)}");
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Length > 0; e++)
        {
            var position = random.Next(bytes.Length);
            switch (random.Next(6))
            {
                case 0:
                    bytes[position] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 2 when bytes.Length - position >= 4:
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(position), s_interestingInts[random.Next(s_interestingInts.Length)]);
                    break;
                case 3:
                    bytes = bytes[..position];
                    break;
                case 4:
                    bytes = [.. bytes[..position], (byte)random.Next(256), .. bytes[position..]];
                    break;
                default:
                    bytes = [.. bytes[..position], .. bytes[Math.Min(bytes.Length, position + random.Next(1, 8))..]];
                    break;
            }
        }

        return bytes;
    }

    private static byte[] GZip(byte[] plain)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return buffer.ToArray();
    }

    private sealed class Stats
    {
        public int Inputs;
        public int Accepted;
        public int Rejected;
        public int ValuesRead;
        public int ValueErrors;
        public int Reserialized;
        public int WriteErrors;
        public long MaxAllocated;
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
