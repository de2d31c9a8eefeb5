using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Vectors;

/// <summary>session-ids.json: System.Web's SessionId.Encode, IsLegit and the stock SessionIDManager's acceptance.</summary>
public sealed class SessionIdVectorTests
{
    private static readonly JsonObject s_file = VectorFiles.Load("session-ids.json");

    public static TheoryData<string, string> Encodings =>
        new(s_file["encode"]!.AsArray().Select(v => ((string)v!["bytesHex"]!, (string)v["id"]!)));

    public static TheoryData<string> Validations =>
        new(s_file["validate"]!.AsArray().Select(v => (string)v!["name"]!));

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Encode_MatchesSystemWeb(string bytesHex, string id) =>
        Assert.Equal(id, SessionId.Encode(Convert.FromHexString(bytesHex)));

    [Theory]
    [MemberData(nameof(Validations))]
    public void Validation_MatchesTheStockManager(string name)
    {
        var vector = s_file["validate"]!.AsArray().Single(v => (string)v!["name"]! == name)!.AsObject();
        var input = (string?)vector["input"];

        Assert.Equal((bool)vector["isLegit"]!, SessionId.IsLegit(input));
        Assert.Equal((bool)vector["stockManagerAccepts"]!, SessionId.TryNormalize(input, out var normalized));
        Assert.Equal((string?)vector["normalizedId"], normalized);
        if (vector["withinLengthLimit"] is JsonValue within)
        {
            Assert.Equal((bool)within!, input!.Length <= SessionId.MaxLength);
        }
    }

    [Fact]
    public void Create_MintsIdsTheLegacyValidationAccepts()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var id = SessionId.Create();
            Assert.True(SessionId.IsLegit(id), id);
            Assert.True(SessionId.TryNormalize(id, out var normalized));
            Assert.Equal(id, normalized);
            Assert.True(ids.Add(id));
        }
    }

    [Fact]
    public void Encode_RefusesAnythingButFifteenBytes() =>
        Assert.Throws<ArgumentException>(() => SessionId.Encode(new byte[14]));

    [Fact]
    public void SpecExamples()
    {
        Assert.Equal("aiaeqbqafqboaeebkycyqgyb", SessionId.Encode(Enumerable.Range(0, 15).Select(i => (byte)i).ToArray()));
        Assert.Equal("555555555555555555555555", SessionId.Encode(Enumerable.Repeat((byte)0xFF, 15).ToArray()));
    }
}
