using System.Buffers.Binary;
using LegacyApp.Models;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Values.Tests;

public sealed class HostileStreamTests
{
    private static readonly LegacyValueSerializer s_empty = new(new LegacyTypeMap());

    [Fact]
    public void DeepNesting_FailsWithTheDepthLimit()
    {
        Node? head = null;
        for (var i = 0; i < 500; i++)
        {
            head = new Node { Name = "n", Next = head };
        }

        var ex = Assert.Throws<LegacySessionFormatException>(() => Oracle.Serializer.Deserialize(new(Oracle.BfSerialize(head!))));
        Assert.Contains("MaxDepth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeDeclaredArrayLength_FailsWithoutAllocating()
    {
        // ArraySinglePrimitive of Int32 claiming int.MaxValue elements, with no element bytes.
        var payload = Header().Concat(new byte[] { 0x0F, 1, 0, 0, 0 }).Concat(Int32(int.MaxValue)).Concat(new byte[] { 8, 0x0B }).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = Assert.Throws<LegacySessionFormatException>(() => s_empty.Deserialize(new(payload)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024, "decoding a tiny hostile stream allocated more than 16 MiB");
    }

    [Fact]
    public void HugeDeclaredObjectArrayOfNulls_FailsWithTheElementLimit()
    {
        // ArraySingleObject claiming 100,000,000 elements, filled by one ObjectNullMultiple record.
        var payload = Header().Concat(new byte[] { 0x10, 1, 0, 0, 0 }).Concat(Int32(100_000_000)).Concat(new byte[] { 0x0E }).Concat(Int32(100_000_000)).Concat(new byte[] { 0x0B }).ToArray();
        var ex = Assert.Throws<LegacySessionFormatException>(() => s_empty.Deserialize(new(payload)));
        Assert.Contains("MaxElements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceCycle_InAnUnmappedRecord_ReadsAsAViewThatPointsToItself()
    {
        var a = new Node { Name = "a" };
        a.Next = a;
        var view = Assert.IsType<LegacyObject>(s_empty.Deserialize(new(Oracle.BfSerialize(a))));
        Assert.Same(view, view["Next"]);
    }

    [Fact]
    public void UnknownRecordType_FailsClearly()
    {
        var payload = Header().Concat(new byte[] { 0x42, 0x0B }).ToArray();
        var ex = Assert.Throws<LegacySessionFormatException>(() => s_empty.Deserialize(new(payload)));
        Assert.StartsWith("The serialized object cannot be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PayloadOverTheSizeLimit_IsRefusedBeforeDecoding()
    {
        var serializer = new LegacyValueSerializer(new LegacyTypeMap(), new LegacyValueLimits { MaxPayloadLength = 10 });
        var ex = Assert.Throws<LegacySessionFormatException>(() => serializer.Deserialize(new(Oracle.BfSerialize(new int[10]))));
        Assert.Contains("MaxPayloadLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeNotInTheMap_IsNeverInstantiated_WhateverTheStreamClaims()
    {
        Tripwire.Reset();
        var bytes = Oracle.BfSerialize(new Tripwire { Payload = "x" });
        Tripwire.Reset();
        var view = Assert.IsType<LegacyObject>(Oracle.Serializer.Deserialize(new(bytes)));
        Assert.Equal(typeof(Tripwire).FullName, view.TypeName);
        Assert.Equal("x", view["Payload"]);
        Assert.Equal(0, Tripwire.Instances);
    }

    [Fact]
    public void StreamNamingAFrameworkTypeAsAMappedName_IsReadOnlyByTheMap()
    {
        // A stream whose class is named like a dangerous framework type is only a view: nothing is loaded.
        var bytes = Oracle.BfSerialize(new Address { City = "c" });
        var hex = Convert.ToHexString(bytes).Replace(Convert.ToHexString("LegacyApp.Models.Address"u8), Convert.ToHexString("System.IO.FileInfo.XYZ12"u8), StringComparison.Ordinal);
        var view = Assert.IsType<LegacyObject>(Oracle.Serializer.Deserialize(new(Convert.FromHexString(hex))));
        Assert.Equal("System.IO.FileInfo.XYZ12", view.TypeName);
    }

    private static byte[] Header() => [0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0];

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }
}

[Serializable]
public sealed class Tripwire
{
    public string? Payload;

    public Tripwire() => Interlocked.Increment(ref s_instances);

    private static int s_instances;

    public static int Instances => Volatile.Read(ref s_instances);

    public static void Reset() => Volatile.Write(ref s_instances, 0);
}
