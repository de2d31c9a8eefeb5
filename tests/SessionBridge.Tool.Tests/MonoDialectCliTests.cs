using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Format.Mono;

namespace SessionBridge.Tool.Tests;

/// <summary><c>sessionbridge decode/encode --dialect mono</c> on the CollectionData Mono's System.Web wrote.</summary>
public sealed class MonoDialectCliTests
{
    private static readonly byte[][] s_recorded = [.. MonoRecordings.CollectionData().Select(r => r.Bytes).DistinctBy(Convert.ToHexString)];

    [Fact]
    public void DecodeThenEncode_OfEveryRecordedCollection_GivesMonosBytesBack()
    {
        Assert.Equal(5, s_recorded.Length);
        foreach (var bytes in s_recorded)
        {
            var (code, json, stderr) = Run(["decode", "--dialect", "mono"], Convert.ToHexString(bytes));
            Assert.True(code == 0, stderr);
            var node = JsonNode.Parse(json)!.AsObject();
            Assert.Equal("mono", (string?)node["dialect"]);
            Assert.Equal("itemCollection", (string?)node["container"]);
            Assert.False((bool)node["compressed"]!);
            var count = node["items"]!.AsArray().Single(i => (string?)i!["key"] == "Count")!;
            Assert.Equal("Int32", (string?)count["type"]);

            // The JSON names its dialect, so encode needs no option.
            var (encodeCode, hex, encodeError) = Run(["encode"], json);
            Assert.True(encodeCode == 0, encodeError);
            Assert.Equal(Convert.ToHexString(bytes), hex.Trim());
        }
    }

    [Fact]
    public void TheSetRequest_DecodesToTheValuesTheMonoAppStored()
    {
        var (code, json, stderr) = Run(["decode", "--dialect", "mono"], Convert.ToHexString(s_recorded.Single(b => b.Length > 100 && b.AsSpan().IndexOf("alice"u8) >= 0 && Count(b) == 2)));
        Assert.True(code == 0, stderr);
        var items = JsonNode.Parse(json)!["items"]!.AsArray().ToDictionary(i => (string)i!["key"]!, i => i!.AsObject());
        Assert.Equal("alice", (string?)items["UserName"]["value"]);
        Assert.Equal("-9000000000", (string?)items["Big"]["value"]);
        Assert.Equal("12.50", (string?)items["Price"]["value"]);
        Assert.Equal("Object", (string?)items["G"]["type"]);
        Assert.Equal("System.Guid", (string?)items["G"]["value"]!["clrType"]);
        Assert.Equal("LegacyApp.Models.Profile", (string?)items["Prof"]["value"]!["clrType"]);
        Assert.Null(items["Nothing"]["value"]);
    }

    [Fact]
    public void Compressed_IsGZip_BothWays()
    {
        var plain = s_recorded.OrderByDescending(b => b.Length).First();
        var (_, json, _) = Run(["decode", "--dialect", "mono"], Convert.ToHexString(plain));

        var (code, hex, stderr) = Run(["encode", "--dialect", "mono", "--compressed"], json);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("1F8B", hex.Trim(), StringComparison.Ordinal);

        var (decodeCode, decoded, decodeError) = Run(["decode", "--dialect", "mono", "--compressed"], hex);
        Assert.True(decodeCode == 0, decodeError);
        Assert.True((bool)JsonNode.Parse(decoded)!["compressed"]!);
        var (_, again, _) = Run(["encode", "--dialect", "mono"], decoded);
        Assert.Equal(Convert.ToHexString(plain), again.Trim());
    }

    [Theory]
    [InlineData(new[] { "decode", "--dialect", "vms" }, 2, "--dialect must be")]
    [InlineData(new[] { "decode", "--dialect", "mono", "--container", "sessionState" }, 2, "itemCollection container only")]
    [InlineData(new[] { "decode" }, 1, "sessionbridge:")] // Mono's bytes are not a Microsoft blob
    [InlineData(new[] { "decode", "--dialect", "mono", "--compressed" }, 1, "compressionEnabled")]
    public void WrongOptions_AreReportedWithTheirExitCode(string[] args, int expectedCode, string expectedMessage)
    {
        var (code, _, stderr) = Run(args, Convert.ToHexString(s_recorded[0]));
        Assert.Equal(expectedCode, code);
        Assert.Contains(expectedMessage, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MicrosoftBytesReadAsMono_AreRefused()
    {
        var microsoft = "14000000010002000000FFFFFFFF08557365724E616D6505436F756E74070000000C0000000105616C6963650203000000FF";
        var (code, _, stderr) = Run(["decode", "--dialect", "mono"], microsoft);
        Assert.Equal(1, code);
        Assert.StartsWith("sessionbridge: The Mono session item collection is invalid", stderr, StringComparison.Ordinal);
    }

    private static int Count(byte[] bytes) => bytes[11]; // the first item is Count, an Int32: 4 + 1 + 5 + 1 bytes before its value

    private static (int Code, string Stdout, string Stderr) Run(string[] args, string stdin)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
