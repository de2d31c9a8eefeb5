using System.Diagnostics;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Configuration;

namespace SessionBridge.Tool.Tests;

public sealed class ConfigImportTests
{
    public static TheoryData<string> Cases => new(WebConfigCases.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConfigImport_PrintsTheExpectedSettingsAsAppSettingsJson_AndExitsZero(string name)
    {
        var expected = WebConfigCases.Expected(name);
        var args = new List<string> { "config", "import", WebConfigCases.PathOf(name) };
        if ((string?)expected["platform"] is { } platform)
        {
            args.AddRange(["--platform", platform]);
        }

        var (code, stdout, stderr) = Run([.. args]);

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        var flattened = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(json, null, flattened);
        var expectedValues = expected["values"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        Assert.Equal(expectedValues.OrderBy(p => p.Key, StringComparer.Ordinal), flattened.OrderBy(p => p.Key, StringComparer.Ordinal));

        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected["warnings"]!.AsArray().Count, lines.Count(l => l.StartsWith("sessionbridge: warning: ", StringComparison.Ordinal)));
        Assert.Equal(expected["errors"]!.AsArray().Count, lines.Count(l => l.StartsWith("sessionbridge: error: ", StringComparison.Ordinal)));
        foreach (var warning in expected["warnings"]!.AsArray().Concat(expected["errors"]!.AsArray()))
        {
            Assert.Contains(lines, l => l.Contains((string)warning!["setting"]!, StringComparison.Ordinal) && l.Contains((string)warning["contains"]!, StringComparison.Ordinal));
        }

        foreach (var secret in expected["secrets"]?.AsArray().Select(s => (string)s!) ?? [])
        {
            Assert.DoesNotContain(secret, stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void ConfigImport_WithSecretsInTheJson_SaysWhichKeysHoldThem()
    {
        var (code, _, stderr) = Run(["config", "import", WebConfigCases.PathOf("forms-framework45")]);

        Assert.Equal(0, code);
        Assert.Contains("note: the JSON holds secrets (LegacyAuthentication:MachineKey:ValidationKey, LegacyAuthentication:MachineKey:DecryptionKey)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<configuration><system.web>", 1)]
    [InlineData("<!DOCTYPE configuration [<!ENTITY e 'x'>]><configuration/>", 1)]
    [InlineData("<notconfiguration/>", 1)]
    public void ConfigImport_OfAnUnreadableFile_FailsWithOneLine(string content, int expectedCode)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, content);
            var (code, stdout, stderr) = Run(["config", "import", path]);

            Assert.Equal(expectedCode, code);
            Assert.Equal("", stdout);
            Assert.Single(stderr.TrimEnd().Split('\n'));
            Assert.Contains(path, stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConfigImport_OfAMissingFile_ExitsOne()
    {
        var (code, stdout, stderr) = Run(["config", "import", "/nonexistent/web.config"]);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("cannot be read", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "config" }, "subcommand")]
    [InlineData(new[] { "config", "export" }, "unknown config subcommand")]
    [InlineData(new[] { "config", "import" }, "needs the path")]
    [InlineData(new[] { "config", "import", "a.config", "b.config" }, "unknown or incomplete option")]
    [InlineData(new[] { "config", "import", "a.config", "--platform", "Windows" }, "SystemWeb or Mono")]
    public void ConfigImport_BadUsage_ExitsTwo(string[] args, string message)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("sessionbridge: ", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBuiltTool_ImportsAWebConfigAsAProcess()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "SessionBridge.Tool.dll");
        var start = new ProcessStartInfo("dotnet", [tool, "config", "import", WebConfigCases.PathOf("stateserver")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await stderrTask;
        Assert.True(process.WaitForExit(60_000), "the tool did not exit");

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("tcpip=10.0.0.5:42424", (string?)JsonNode.Parse(stdout)!["LegacySession"]!["StateServer"]!["ConnectionString"]);
        Assert.Contains("warning: ", stderr, StringComparison.Ordinal);
    }

    private static void Flatten(JsonObject node, string? prefix, Dictionary<string, string> into)
    {
        foreach (var (key, value) in node)
        {
            var path = prefix is null ? key : prefix + ":" + key;
            if (value is JsonObject child)
            {
                Flatten(child, path, into);
            }
            else
            {
                into[path] = (string)value!;
            }
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, new StringReader(""), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
