using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;
using SessionBridge.Tool;

namespace SessionBridge.Legacy.Tests.Vectors;

/// <summary>session-decode-only.json: hand-made blobs and what Microsoft's reader does with them.</summary>
public sealed class DecodeOnlyVectorTests
{
    private static readonly Dictionary<string, JsonObject> s_vectors =
        VectorFiles.Vectors("session-decode-only.json").ToDictionary(v => (string)v["name"]!);

    public static TheoryData<string> Accepted =>
        new(s_vectors.Values.Where(v => (string)v["expected"]!["outcome"]! == "accept").Select(v => (string)v["name"]!));

    public static TheoryData<string> Rejected =>
        new(s_vectors.Values.Where(v => (string)v["expected"]!["outcome"]! == "reject").Select(v => (string)v["name"]!));

    [Fact]
    public void TheVectorFileHasEveryVector() => Assert.Equal(28, s_vectors.Count);

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_GivesTheItemsAndMicrosoftsResavedBytes(string name)
    {
        var vector = s_vectors[name];
        var expected = vector["expected"]!.AsObject();
        var data = Decode(vector);
        Assert.Equal((int)expected["timeout"]!, data.Timeout);

        // Re-saved before any value is read: untouched values are copied byte for byte.
        if (expected["reserializedUntouchedHex"] is JsonValue untouched)
        {
            Assert.Equal((string)untouched!, Convert.ToHexString(SessionStateSerializer.Serialize(data)));
        }

        var items = expected["items"]!.AsArray();
        Assert.Equal(items.Count, data.Items.Count);
        var everyValueRead = true;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]!.AsObject();
            Assert.Equal((string?)item["key"], data.Items.GetKey(i));
            if (item["accessError"] is not null)
            {
                // Microsoft's reader fails here because BinaryFormatter cannot load the payload's type. SessionBridge
                // never runs BinaryFormatter: the value reads as its raw NRBF stream and stays untouched on re-save.
                Assert.IsType<SerializedObject>(data.Items[i]);
                everyValueRead = false;
                continue;
            }

            var value = data.Items[i];
            Assert.Equal((string)item["type"]!, value is null ? "Null" : SessionJson.GetTypeName(ValueTypeOf(value)));
            Assert.True(JsonNode.DeepEquals(item["value"], SessionJson.ValueToJson(value, out _)), $"{name}[{i}]");
        }

        if (everyValueRead && expected["reserializedAfterReadHex"] is JsonValue afterRead)
        {
            Assert.Equal((string)afterRead!, Convert.ToHexString(SessionStateSerializer.Serialize(data)));
        }
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejected_ThrowsTheCodecsFormatException(string name)
    {
        var vector = s_vectors[name];
        var ex = Assert.Throws<LegacySessionFormatException>(() => Decode(vector));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void UnloadableType_IsKeptRawAndResavedVerbatim()
    {
        var vector = s_vectors["unloadable-type-is-lazy"];
        var data = Decode(vector);
        var gadget = Assert.IsType<SerializedObject>(data.Items["gadget"]);
        Assert.Equal(data.Items.GetEncodedValue(0)[1..].ToArray(), gadget.Payload.ToArray());
        Assert.Equal((string)vector["expected"]!["reserializedUntouchedHex"]!, Convert.ToHexString(SessionStateSerializer.Serialize(data)));
    }

    private static SessionStateData Decode(JsonObject vector) =>
        SessionStateSerializer.Deserialize(Convert.FromHexString((string)vector["blobHex"]!), (bool)vector["compressed"]!);

    private static SessionValueTypeCode ValueTypeOf(object value)
    {
        var items = new SessionStateItemCollection { ["v"] = value };
        return items.GetTypeCode(0);
    }
}
