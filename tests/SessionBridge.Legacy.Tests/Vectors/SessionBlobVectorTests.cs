using System.IO.Compression;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;
using SessionBridge.Tool;

namespace SessionBridge.Legacy.Tests.Vectors;

/// <summary>Every vector of session-blobs.json, both ways.</summary>
public sealed class SessionBlobVectorTests
{
    private static readonly Dictionary<string, JsonObject> s_vectors =
        VectorFiles.Vectors("session-blobs.json").ToDictionary(v => (string)v["name"]!);

    public static TheoryData<string> Names => new(s_vectors.Keys);

    public static TheoryData<string> SessionStateNames =>
        new(s_vectors.Values.Where(v => (string)v["container"]! == "sessionState").Select(v => (string)v["name"]!));

    public static TheoryData<string> ItemCollectionNames =>
        new(s_vectors.Values.Where(v => (string)v["container"]! == "itemCollection").Select(v => (string)v["name"]!));

    [Fact]
    public void TheVectorFileHasEveryVector()
    {
        Assert.Equal(61, s_vectors.Count);
        Assert.Contains(s_vectors.Values, v => (string)v["container"]! == "itemCollection");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_GivesExactlyTheItems(string name)
    {
        var vector = s_vectors[name];
        var items = DecodeItems(vector, out var data);
        var expected = vector["items"]!.AsArray();

        Assert.Equal(expected.Count, items.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var item = expected[i]!.AsObject();
            Assert.Equal((string?)item["key"], items.GetKey(i));
            Assert.Equal((int)item["typeCode"]!, (int)items.GetTypeCode(i));
            Assert.Equal((string)item["valueHex"]!, Convert.ToHexString(items.GetEncodedValue(i).Span));

            var value = items[i];
            Assert.Equal((string)item["type"]!, SessionJson.GetTypeName(items.GetTypeCode(i)));
            var json = SessionJson.ValueToJson(value, out var display);
            if ((string)item["type"]! == "Object")
            {
                var obj = item["value"]!.AsObject();
                Assert.Equal((string?)obj["clrType"], (string?)json!["clrType"]);
                Assert.Equal((string?)obj["assembly"], (string?)json!["assembly"]);
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(item["value"], json), $"{name}[{i}]: expected {item["value"]?.ToJsonString()}, got {json?.ToJsonString()}");
                if (item["display"] is JsonValue expectedDisplay && (string)item["type"]! is not ("IntPtr" or "UIntPtr"))
                {
                    Assert.Equal((string)expectedDisplay!, display);
                }
            }
        }

        if (data is not null)
        {
            Assert.Equal((int)vector["timeout"]!, data.Timeout);
            var statics = vector["staticObjects"]?.AsArray();
            Assert.Equal(statics?.Count ?? 0, data.StaticObjects?.Entries.Count ?? 0);
            for (var i = 0; i < (statics?.Count ?? 0); i++)
            {
                var expectedEntry = statics![i]!.AsObject();
                var entry = data.StaticObjects!.Entries[i];
                Assert.Equal((string)expectedEntry["name"]!, entry.Name);
                Assert.Equal((bool)expectedEntry["hasInstance"]!, entry.HasInstance);
                if (entry.HasInstance)
                {
                    Assert.Equal((string)expectedEntry["instance"]!["valueHex"]!, Convert.ToHexString(entry.EncodedInstance.Span));
                }
                else
                {
                    Assert.Equal((string)expectedEntry["typeName"]!, entry.TypeName);
                    Assert.Equal((bool)expectedEntry["lateBound"]!, entry.LateBound);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeFromTheItems_GivesExactlyTheBlob(string name)
    {
        var vector = s_vectors[name];
        var bytes = Cli.Encode(vector.ToJsonString(), forceCompressed: false);
        if ((bool)vector["compressed"]!)
        {
            Assert.Equal((string)vector["uncompressedHex"]!, Convert.ToHexString(Inflate(bytes[..^1])));
            Assert.Equal(0xFF, bytes[^1]);
        }
        else
        {
            Assert.Equal((string)vector["blobHex"]!, Convert.ToHexString(bytes));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodeThenEncodeUntouched_GivesTheOriginalBytes(string name)
    {
        var vector = s_vectors[name];
        var items = DecodeItems(vector, out var data);
        Assert.False(items.Dirty);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.False(items.IsDecoded(i));
        }

        Assert.Equal(ExpectedUncompressed(vector), Convert.ToHexString(Reencode(vector, items, data)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodeReadEverythingThenEncode_GivesTheOriginalBytes(string name)
    {
        var vector = s_vectors[name];
        var items = DecodeItems(vector, out var data);
        for (var i = 0; i < items.Count; i++)
        {
            _ = items[i];
            Assert.True(items.IsDecoded(i));
        }

        Assert.Equal(ExpectedUncompressed(vector), Convert.ToHexString(Reencode(vector, items, data)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ReadingAValue_MarksDirtyOnlyForMutableTypes(string name)
    {
        var vector = s_vectors[name];
        var items = DecodeItems(vector, out _);
        for (var i = 0; i < items.Count; i++)
        {
            items.Dirty = false;
            var value = items[i];
            var mutable = value is SerializedObject;
            Assert.Equal(mutable, items.Dirty);
        }
    }

    [Theory]
    [MemberData(nameof(SessionStateNames))]
    public void CompressedForm_RoundTrips(string name)
    {
        var vector = s_vectors[name];
        var data = SessionStateSerializer.Deserialize(Convert.FromHexString((string)vector["blobHex"]!), (bool)vector["compressed"]!);
        var compressed = SessionStateSerializer.Serialize(data, compressed: true);
        Assert.Equal(0xFF, compressed[^1]);
        var again = SessionStateSerializer.Deserialize(compressed, compressed: true);
        Assert.Equal(ExpectedUncompressed(vector), Convert.ToHexString(SessionStateSerializer.Serialize(again)));
    }

    [Theory]
    [InlineData("null-key-middle")]
    [InlineData("null-key-first")]
    public void NullKeyItemResavedUnread_IsNotMicrosoftsCorruptForm(string name)
    {
        var vector = s_vectors[name];
        var data = SessionStateSerializer.Deserialize(Convert.FromHexString((string)vector["blobHex"]!));
        var resaved = Convert.ToHexString(SessionStateSerializer.Serialize(data));

        Assert.NotEqual((string)vector["microsoftResaveUntouchedHex"]!, resaved);
        Assert.Equal((string)vector["blobHex"]!, resaved);
    }

    [Theory]
    [MemberData(nameof(ItemCollectionNames))]
    public void ItemCollectionVectors_AreNotSessionBlobs(string name)
    {
        // A bare item collection has no timeout, flags or end marker; its first Int32 is the item count.
        var bytes = Convert.FromHexString((string)s_vectors[name]["blobHex"]!);
        var items = SessionStateSerializer.DeserializeItems(bytes);
        Assert.Equal(BitConverter.ToInt32(bytes), items.Count);
    }

    private static SessionStateItemCollection DecodeItems(JsonObject vector, out SessionStateData? data)
    {
        var bytes = Convert.FromHexString((string)vector["blobHex"]!);
        if ((string)vector["container"]! == "itemCollection")
        {
            data = null;
            return SessionStateSerializer.DeserializeItems(bytes);
        }

        data = SessionStateSerializer.Deserialize(bytes, (bool)vector["compressed"]!);
        return data.Items;
    }

    private static byte[] Reencode(JsonObject vector, SessionStateItemCollection items, SessionStateData? data) =>
        data is null ? SessionStateSerializer.SerializeItems(items) : SessionStateSerializer.Serialize(data);

    private static string ExpectedUncompressed(JsonObject vector) =>
        (bool)vector["compressed"]! ? (string)vector["uncompressedHex"]! : (string)vector["blobHex"]!;

    internal static byte[] Inflate(byte[] deflated)
    {
        using var input = new MemoryStream(deflated);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        return output.ToArray();
    }
}
