using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Tool.Tests;

public sealed class AuthCommandTests
{
    private static readonly Dictionary<string, JsonObject> s_vectors =
        VectorFiles.Vectors("auth-cookies.json").ToDictionary(v => (string)v["name"]!);

    public static TheoryData<string> Forms => new(s_vectors.Values.Where(v => (string)v["category"]! == "forms").Select(v => (string)v["name"]!));

    public static TheoryData<string> Owin => new(s_vectors.Values.Where(v => (string)v["category"]! == "owin").Select(v => (string)v["name"]!));

    public static TheoryData<string> FormsRejects => new(s_vectors.Values
        .Where(v => (string)v["category"]! == "forms-decode" && (string)v["expected"]!["outcome"]! == "reject" && !string.IsNullOrEmpty((string?)v["cookie"]))
        .Select(v => (string)v["name"]!));

    [Theory]
    [MemberData(nameof(Forms))]
    public void DecryptForms_PrintsTheTicket_AndEncryptRoundTrips(string name)
    {
        var vector = s_vectors[name];
        var key = KeyArgs(vector);

        var (code, stdout, stderr) = Run(["auth", "decrypt", "--kind", "forms", .. key, (string)vector["cookie"]!]);

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        var expected = vector["expected"]!["ticket"]!.AsObject();
        foreach (var field in new[] { "name", "version", "issueDateUtcTicks", "expirationUtcTicks", "isPersistent", "userData", "cookiePath" })
        {
            Assert.True(JsonNode.DeepEquals(expected[field], json[field]), $"{field}: {expected[field]?.ToJsonString()} vs {json[field]?.ToJsonString()}");
        }

        Assert.Equal(DateTimeOffset.Parse((string)expected["issueDateUtc"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse((string)json["issueDateUtc"]!, System.Globalization.CultureInfo.InvariantCulture));

        var (encCode, cookie, encErr) = Run(["auth", "encrypt", "--kind", "forms", .. key], stdout);
        Assert.True(encCode == 0, encErr);
        var (again, stdout2, _) = Run(["auth", "decrypt", "--kind", "forms", .. key, "--", cookie.Trim()]);
        Assert.Equal(0, again);
        Assert.Equal((string)json["name"]!, (string)JsonNode.Parse(stdout2)!["name"]!);
    }

    [Theory]
    [MemberData(nameof(FormsRejects))]
    public void DecryptForms_RejectedCookie_ExitsOneWithTheReason(string name)
    {
        var vector = s_vectors[name];

        var (code, stdout, stderr) = Run(["auth", "decrypt", "--kind", "forms", .. KeyArgs(vector), (string)vector["cookie"]!]);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("sessionbridge: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain((string)vector["config"]!["machineKey"]!["decryptionKey"]!, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_TakesACookieThatStartsWithTwoDashesAfterTheSeparator()
    {
        // Base64url OWIN cookies may start with "--" (about 1 in 4,096 of those encrypt writes).
        var vector = s_vectors.Values.First(v => (string)v["category"]! == "owin");
        string[] args = ["auth", "decrypt", "--kind", "owin", .. KeyArgs(vector), "--authentication-type", (string)vector["authenticationType"]!];

        var (bare, _, bareErr) = Run([.. args, "--" + (string)vector["cookie"]!]);
        var (separated, _, separatedErr) = Run([.. args, "--", "--" + (string)vector["cookie"]!]);
        var (valid, stdout, _) = Run([.. args, "--", (string)vector["cookie"]!]);

        Assert.Equal(2, bare);
        Assert.Contains("goes after a '--' argument", bareErr, StringComparison.Ordinal);
        Assert.Equal(1, separated); // taken as the cookie, and rejected as one
        Assert.DoesNotContain("option", separatedErr, StringComparison.Ordinal);
        Assert.Equal(0, valid);
        Assert.NotEmpty(stdout);
    }

    [Theory]
    [MemberData(nameof(Owin))]
    public void DecryptOwin_PrintsClaimsAndProperties_AndEncryptRoundTrips(string name)
    {
        var vector = s_vectors[name];
        string[] args = [.. KeyArgs(vector), "--authentication-type", (string)vector["authenticationType"]!];

        var (code, stdout, stderr) = Run(["auth", "decrypt", "--kind", "owin", .. args, (string)vector["cookie"]!]);

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        var expected = vector["expected"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(expected["identity"]!["claims"], json["claims"]), json["claims"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected["properties"], json["properties"]));
        var (encCode, cookie, encErr) = Run(["auth", "encrypt", "--kind", "owin", .. args], stdout);
        Assert.True(encCode == 0, encErr);
        var (again, stdout2, _) = Run(["auth", "decrypt", "--kind", "owin", .. args, "--", cookie.Trim()]);
        Assert.Equal(0, again);
        Assert.True(JsonNode.DeepEquals(json["claims"], JsonNode.Parse(stdout2)!["claims"]));
    }

    [Fact]
    public void WebConfig_ModeFromTargetFramework_AndChunkedCookieHeader()
    {
        var vector = s_vectors["forms-fx45-by-targetframework-sha1-aes256"];
        var key = vector["config"]!["machineKey"]!;
        var path = Path.Combine(Path.GetTempPath(), $"sessionbridge-{Guid.NewGuid():N}.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0"?>
            <configuration>
              <appSettings><add key="aspnet:UseLegacyEncryption" value="false" /></appSettings>
              <system.web>
                <httpRuntime targetFramework="4.5" />
                <machineKey validationKey="{key["validationKey"]}" decryptionKey="{key["decryptionKey"]}" validation="SHA1" decryption="AES" />
                <authentication mode="Forms"><forms name=".LEGACY" loginUrl="~/login.aspx" /></authentication>
              </system.web>
            </configuration>
            """);
        try
        {
            var (code, stdout, stderr) = Run(["auth", "decrypt", "--kind", "forms", "--web-config", path, (string)vector["cookie"]!]);
            Assert.True(code == 0, stderr);
            Assert.Equal((string)vector["ticket"]!["name"]!, (string)JsonNode.Parse(stdout)!["name"]!);

            var (header, _, headerErr) = Run(["auth", "decrypt", "--kind", "forms", "--web-config", path, "--cookie-header", "a=b; .LEGACY=" + (string)vector["cookie"]!]);
            Assert.True(header == 0, headerErr);

            var owin = s_vectors["owin-fx45-hmacsha512-aes256-many-roles"];
            var owinCookie = (string)owin["cookie"]!;
            var chunked = $".AspNet.ApplicationCookie=chunks:2; .AspNet.ApplicationCookieC1={owinCookie[..2000]}; .AspNet.ApplicationCookieC2={owinCookie[2000..]}";
            var (owinCode, owinOut, owinErr) = Run(["auth", "decrypt", "--kind", "owin", .. KeyArgs(owin), "--cookie-header", chunked]);
            Assert.True(owinCode == 0, owinErr);
            Assert.Contains("\"claims\"", owinOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("AutoGenerate,IsolateApps", "cannot be shared")]
    [InlineData("12", "at least 40 hex")]
    public void UnshareableOrBadKeys_ExitOneWithWhatToPutInWebConfig(string validationKey, string expected)
    {
        var (code, _, stderr) = Run(["auth", "decrypt", "--kind", "forms", "--validation-key", validationKey, "--decryption-key", new string('A', 64),
            "--validation", "SHA1", "--decryption", "AES", "--compatibility-mode", "Framework20SP1", "0011"]);

        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_Errors_ExitTwo()
    {
        Assert.Equal(2, Run(["auth", "decrypt", "--kind", "forms", "--validation-key", "00"]).Code);
        Assert.Equal(2, Run(["auth", "frobnicate"]).Code);
        Assert.Equal(2, Run(["auth", "decrypt", "--kind", "jwt", "X"]).Code);
    }

    private static string[] KeyArgs(JsonObject vector)
    {
        var config = vector["config"]!.AsObject();
        var key = config["machineKey"]!.AsObject();
        var args = new List<string> { "--validation-key", (string)key["validationKey"]!, "--decryption-key", (string)key["decryptionKey"]! };
        foreach (var (name, option) in new[] { ("validation", "--validation"), ("decryption", "--decryption"), ("compatibilityMode", "--compatibility-mode") })
        {
            if ((string?)key[name] is { } value)
            {
                args.AddRange([option, value]);
            }
        }

        if ((string?)config["targetFramework"] is { } tf)
        {
            args.AddRange(["--target-framework", tf]);
        }

        if ((string?)config["forms"]?["protection"] is { } protection)
        {
            args.AddRange(["--protection", protection]);
        }

        if ((string?)config["appSettings"]?["aspnet:UseLegacyEncryption"] == "true")
        {
            args.Add("--use-legacy-encryption");
        }

        return [.. args];
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, new StringReader(stdin), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
