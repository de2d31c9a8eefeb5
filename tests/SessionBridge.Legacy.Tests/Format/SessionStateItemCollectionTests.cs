using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format;

public sealed class SessionStateItemCollectionTests
{
    [Fact]
    public void Keys_AreCaseInsensitiveAndKeepTheirFirstSpelling()
    {
        var items = new SessionStateItemCollection { ["UserName"] = "a" };
        items["USERNAME"] = "b";

        Assert.Equal(1, items.Count);
        Assert.Equal("UserName", items.GetKey(0));
        Assert.Equal("b", items["username"]);
    }

    [Fact]
    public void Keys_KeepInsertionOrderAcrossRemoveAndReadd()
    {
        var items = new SessionStateItemCollection { ["a"] = 1, ["b"] = 2, ["c"] = 3 };
        items.Remove("a");
        items["a"] = 4;

        Assert.Equal(["b", "c", "a"], items.Keys);
    }

    [Fact]
    public void ManyKeys_AreFoundThroughTheIndexAfterRemovals()
    {
        var items = new SessionStateItemCollection();
        for (var i = 0; i < 50; i++)
        {
            items["key" + i] = i;
        }

        items.RemoveAt(10);
        items.Remove("KEY20");

        Assert.Equal(48, items.Count);
        Assert.Null(items["key10"]);
        Assert.Equal(21, items["Key21"]);
        Assert.Equal(49, items["key49"]);
        Assert.False(items.ContainsKey("key20"));
    }

    [Fact]
    public void NullKey_IsAnOrdinaryEntry()
    {
        var items = new SessionStateItemCollection { ["a"] = 1 };
        items[null] = "n";
        items["b"] = 2;

        Assert.Equal(3, items.Count);
        Assert.Null(items.GetKey(1));
        Assert.Equal("n", items[null]);

        items.Remove(null);
        Assert.False(items.ContainsKey(null));
        Assert.Equal(["a", "b"], items.Keys);
    }

    [Fact]
    public void NullKeyWithNullValue_IsWrittenSoMicrosoftsReaderAcceptsIt()
    {
        // Microsoft's writer gives nullKeyIndex = -1 here and its reader rejects the blob (vectors: writer-bug).
        var data = new SessionStateData(20);
        data.Items["a"] = 1;
        data.Items[null] = null;

        var bytes = SessionStateSerializer.Serialize(data);
        Assert.Equal(1, BitConverter.ToInt32(bytes, 10));

        var read = SessionStateSerializer.Deserialize(bytes);
        Assert.Equal(["a", null], read.Items.Keys);
        Assert.Null(read.Items[null]);
    }

    [Fact]
    public void Dirty_FollowsSystemWeb()
    {
        var blob = SessionStateSerializer.Serialize(new SessionStateData(20, Build(("s", "x"), ("n", 1), ("o", new SerializedObject(new byte[] { 0, 1 })), ("z", null))));
        var items = SessionStateSerializer.Deserialize(blob).Items;
        Assert.False(items.Dirty);

        _ = items["s"];
        _ = items["n"];
        _ = items["z"];
        _ = items["missing"];
        Assert.False(items.Dirty);

        _ = items.GetEncodedValue(2);
        _ = items.GetTypeCode(2);
        Assert.False(items.Dirty);

        _ = items["o"];
        Assert.True(items.Dirty);

        items.Dirty = false;
        items.Remove("missing");
        Assert.True(items.Dirty);

        items.Dirty = false;
        items["n"] = 1;
        Assert.True(items.Dirty);

        items.Dirty = false;
        items.Clear();
        Assert.True(items.Dirty);
        Assert.Equal(0, items.Count);
    }

    [Fact]
    public void Values_AreDecodedOnlyWhenRead()
    {
        var blob = SessionStateSerializer.Serialize(new SessionStateData(20, Build(("a", 1), ("b", "two"))));
        var items = SessionStateSerializer.Deserialize(blob).Items;

        Assert.False(items.IsDecoded(0));
        Assert.Equal(SessionValueTypeCode.String, items.GetTypeCode(1));
        Assert.False(items.IsDecoded(1));
        Assert.Equal("two", items["B"]);
        Assert.True(items.IsDecoded(1));
        Assert.False(items.IsDecoded(0));
    }

    [Fact]
    public void UnsupportedValue_FailsAtAssignmentNamingTheType()
    {
        var items = new SessionStateItemCollection();
        var ex = Assert.Throws<ArgumentException>(() => items["cart"] = new List<int>());
        Assert.Contains("System.Collections.Generic.List", ex.Message);
        Assert.Contains("cart", ex.Message);
        Assert.Equal(0, items.Count);
        Assert.False(items.Dirty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void LoneSurrogates_FailAtAssignment(int example)
    {
        // Built here: test arguments are serialized, which would replace a lone surrogate.
        var text = example == 0 ? "a" + '\ud800' + "b" : "\udc00";
        var items = new SessionStateItemCollection();
        Assert.Throws<ArgumentException>(() => items["k"] = text);
        Assert.Throws<ArgumentException>(() => items[text] = 1);
        Assert.Throws<ArgumentException>(() => items["c"] = text.First(char.IsSurrogate));
        Assert.Equal(0, items.Count);
    }

    [Fact]
    public void IndexOutOfRange_Throws()
    {
        var items = new SessionStateItemCollection { ["a"] = 1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => items[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => items[-1] = 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => items.RemoveAt(1));
    }

    [Fact]
    public void CorruptOffsets_FailOnReadAndOnWriteBackWithTheFormatException()
    {
        // Two items; the first offset (9) points past the last (5): Microsoft accepts the blob and fails when the
        // value is read. SessionBridge does the same, and refuses to write the broken slot back.
        var data = SessionStateSerializer.Deserialize(Convert.FromHexString("14000000010002000000FFFFFFFF0161016209000000050000000201000000FF"));
        Assert.Equal(2, data.Items.Count);
        Assert.Equal(1, data.Items["a"]);
        Assert.Throws<LegacySessionFormatException>(() => data.Items["b"]);
        Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Serialize(data));

        // Once the broken value is replaced or removed, the session can be saved again.
        data.Items.Remove("b");
        Assert.Equal(1, SessionStateSerializer.Deserialize(SessionStateSerializer.Serialize(data)).Items["a"]);
    }

    [Fact]
    public void EmptySession_IsTheSevenByteBlob()
    {
        Assert.Equal("140000000000FF", Convert.ToHexString(SessionStateSerializer.Serialize(new SessionStateData(20))));
        Assert.Equal("00000000", Convert.ToHexString(SessionStateSerializer.SerializeItems(new SessionStateItemCollection())));
    }

    [Fact]
    public void SerializeToBufferWriter_MatchesTheArrayForm()
    {
        var data = new SessionStateData(30, Build(("a", 1), ("b", "x")));
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        SessionStateSerializer.Serialize(data, writer);
        Assert.Equal(SessionStateSerializer.Serialize(data), writer.WrittenSpan.ToArray());
        Assert.Equal(writer.WrittenCount, SessionStateSerializer.GetSerializedLength(data));
    }

    private static SessionStateItemCollection Build(params (string? Key, object? Value)[] entries)
    {
        var items = new SessionStateItemCollection();
        foreach (var (key, value) in entries)
        {
            items[key] = value;
        }

        items.Dirty = false;
        return items;
    }
}
