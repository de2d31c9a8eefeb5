using System.Diagnostics;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Tool.Tests;

public sealed class CliTests
{
    private const string SpecExample = "14000000010002000000FFFFFFFF08557365724E616D6505436F756E74070000000C0000000105616C6963650203000000FF";

    private static readonly Dictionary<string, JsonObject> s_vectors =
        VectorFiles.Vectors("session-blobs.json").ToDictionary(v => (string)v["name"]!);

    public static TheoryData<string> Names => new(s_vectors.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_PrintsTheVectorsItems(string name)
    {
        var vector = s_vectors[name];
        var args = new List<string> { "decode", "--container", (string)vector["container"]! };
        if ((bool)vector["compressed"]!)
        {
            args.Add("--compressed");
        }

        var (code, stdout, stderr) = Run([.. args], (string)vector["blobHex"]!);
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();

        Assert.Equal((string)vector["container"]!, (string)json["container"]!);
        Assert.True(JsonNode.DeepEquals(vector["timeout"], json["timeout"]));
        Assert.Equal((bool)vector["compressed"]!, (bool)json["compressed"]!);
        var expected = vector["items"]!.AsArray();
        var actual = json["items"]!.AsArray();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i]!.AsObject();
            var a = actual[i]!.AsObject();
            foreach (var field in new[] { "key", "type", "typeCode", "valueHex" })
            {
                Assert.True(JsonNode.DeepEquals(e[field], a[field]), $"{name}[{i}].{field}: {e[field]?.ToJsonString()} vs {a[field]?.ToJsonString()}");
            }

            if ((string)e["type"]! == "Object")
            {
                Assert.Equal((string?)e["value"]!["clrType"], (string?)a["value"]!["clrType"]);
                Assert.Equal((string?)e["value"]!["assembly"], (string?)a["value"]!["assembly"]);
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(e["value"], a["value"]), $"{name}[{i}].value");
            }
        }

        Assert.Equal(vector["staticObjects"]?.AsArray().Count ?? 0, json["staticObjects"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeAVector_PrintsItsBlob(string name)
    {
        var vector = s_vectors[name];
        var (code, stdout, stderr) = Run(["encode"], vector.ToJsonString());
        Assert.True(code == 0, stderr);
        if (!(bool)vector["compressed"]!)
        {
            Assert.Equal((string)vector["blobHex"]!, stdout.Trim());
        }
        else
        {
            // Compressed bytes depend on the deflate implementation: decode ours and compare the items.
            var (decodeCode, decoded, _) = Run(["decode", "--compressed"], stdout);
            Assert.Equal(0, decodeCode);
            Assert.Equal(vector["items"]!.AsArray().Count, JsonNode.Parse(decoded)!["items"]!.AsArray().Count);
        }
    }

    [Fact]
    public void DecodeThenEncode_GivesTheOriginalBlob()
    {
        var (_, json, _) = Run(["decode"], SpecExample);
        var (code, hex, _) = Run(["encode"], json);
        Assert.Equal(0, code);
        Assert.Equal(SpecExample, hex.Trim());
    }

    [Fact]
    public void Decode_ReadsRawBytesFromAFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Convert.FromHexString(SpecExample));
            var (code, stdout, _) = Run(["decode", "--file", path], "");
            Assert.Equal(0, code);
            Assert.Equal("alice", (string?)JsonNode.Parse(stdout)!["items"]![0]!["value"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new[] { "decode" }, "zz", 1)]
    [InlineData(new[] { "decode" }, "1400", 1)]
    [InlineData(new[] { "decode" }, "14000000010002000000FFFFFFFF08557365724E", 1)]
    [InlineData(new[] { "decode", "--compressed" }, "FFFFFFFFFF", 1)]
    [InlineData(new[] { "decode", "--container", "blob" }, "00", 2)]
    [InlineData(new[] { "decode", "--file", "/nonexistent/blob.bin" }, "", 1)]
    [InlineData(new[] { "encode" }, "{not json", 1)]
    [InlineData(new[] { "encode" }, "[1,2]", 1)]
    [InlineData(new[] { "encode" }, "{\"container\":\"sessionState\",\"items\":[{\"key\":\"a\",\"type\":\"Int32\",\"value\":\"x\"}]}", 1)]
    [InlineData(new[] { "encode" }, "{\"container\":\"other\"}", 1)]
    [InlineData(new[] { "frobnicate" }, "", 2)]
    [InlineData(new string[0], "", 2)]
    public void BadInput_GivesOneLineOnStandardErrorAndANonZeroExitCode(string[] args, string input, int expectedCode)
    {
        var (code, stdout, stderr) = Run(args, input);

        Assert.Equal(expectedCode, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("sessionbridge", stderr);
        Assert.DoesNotContain("   at ", stderr);
        if (args.Length > 0)
        {
            Assert.Single(stderr.TrimEnd().Split('\n'));
        }
    }

    [Fact]
    public void TheBuiltTool_RunsAsAProcess()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "SessionBridge.Tool.dll");
        Assert.True(File.Exists(tool), $"{tool} is missing");
        var start = new ProcessStartInfo("dotnet", [tool, "decode"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(SpecExample);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the tool did not exit");

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal(3, (int)JsonNode.Parse(stdout)!["items"]![1]!["value"]!);
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args, string stdin)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
