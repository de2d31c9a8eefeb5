using System.Text;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Legacy.Tests.Configuration;

public sealed class WebConfigImporterTests
{
    public static TheoryData<string> Cases => new(WebConfigCases.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_GivesTheExpectedKeysWarningsAndErrors(string name)
    {
        var expected = WebConfigCases.Expected(name);
        var platform = Enum.Parse<LegacyPlatform>((string?)expected["platform"] ?? "SystemWeb");

        var result = WebConfigImporter.Import(WebConfigCases.PathOf(name), new WebConfigImportOptions { Platform = platform });

        var expectedValues = expected["values"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
        Assert.Equal(expectedValues.OrderBy(p => p.Key, StringComparer.Ordinal), result.Values.OrderBy(p => p.Key, StringComparer.Ordinal));
        AssertDiagnostics(expected["warnings"]!.AsArray(), result.Warnings, "warning");
        AssertDiagnostics(expected["errors"]!.AsArray(), result.Errors, "error");
        foreach (var secret in expected["secrets"]?.AsArray().Select(s => (string)s!) ?? [])
        {
            Assert.All(result.Warnings.Concat(result.Errors), d => Assert.DoesNotContain(secret, d.ToString(), StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnostics_NameTheFileTheSettingAndALine(string name)
    {
        var expected = WebConfigCases.Expected(name);
        var result = WebConfigImporter.Import(WebConfigCases.PathOf(name), new WebConfigImportOptions
        {
            Platform = Enum.Parse<LegacyPlatform>((string?)expected["platform"] ?? "SystemWeb"),
        });

        foreach (var diagnostic in result.Warnings.Concat(result.Errors))
        {
            Assert.True(Path.IsPathRooted(diagnostic.File), diagnostic.ToString());
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Setting));
            Assert.True(diagnostic.Message.Length > 30, diagnostic.ToString());
            // A setting the file has carries its line; only advice about keys to set by hand (LegacySession:…) and
            // about settings the file lacks has none.
            if (diagnostic.Line == 0)
            {
                var element = diagnostic.Setting.Split('/').Last(p => !p.StartsWith('@'));
                var attribute = diagnostic.Setting.Split('/')[^1] is ['@', .. var a] ? a + "=" : null;
                var text = File.ReadAllText(diagnostic.File);
                Assert.True(
                    diagnostic.Setting.StartsWith("Legacy", StringComparison.Ordinal)
                        || !text.Contains("<" + element, StringComparison.Ordinal)
                        || (attribute is not null && !text.Contains(attribute, StringComparison.Ordinal)),
                    $"no line for a setting the file has: {diagnostic}");
            }
        }
    }

    [Fact]
    public void MalformedXml_ThrowsNamingTheFileAndTheLine()
    {
        var ex = Assert.Throws<WebConfigImportException>(() => Import("<configuration>\n  <system.web>\n    <sessionState mode=\"StateServer\">\n</configuration>"));

        Assert.Contains("web.config", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not well-formed XML", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADocumentTypeDeclaration_IsRefusedAndNoEntityIsResolved()
    {
        var outside = Path.GetTempFileName();
        try
        {
            File.WriteAllText(outside, "tcpip=10.9.9.9:42424");
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE configuration [ <!ENTITY leak SYSTEM "file://{outside}"> ]>
                <configuration><system.web><sessionState mode="StateServer" stateConnectionString="&leak;" /></system.web></configuration>
                """;

            var ex = Assert.Throws<WebConfigImportException>(() => Import(xml));

            Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("10.9.9.9", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void ANonConfigurationRoot_IsRefused()
    {
        var ex = Assert.Throws<WebConfigImportException>(() => Import("<appSettings />"));
        Assert.Contains("<configuration>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFile_ThrowsAnImportExceptionNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "web.config");
        var ex = Assert.Throws<WebConfigImportException>(() => WebConfigImporter.Import(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileLargerThanTheLimit_IsRefusedWithoutReadingItAll()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.OpenWrite(path))
            {
                var comment = Encoding.UTF8.GetBytes("<!--" + new string('x', 1024) + "-->");
                file.Write("<configuration>"u8);
                for (var written = 0; written <= WebConfigImporter.MaxFileBytes; written += comment.Length)
                {
                    file.Write(comment);
                }

                file.Write("</configuration>"u8);
            }

            var ex = Assert.Throws<WebConfigImportException>(() => WebConfigImporter.Import(path));
            Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ASectionTwice_IsAnError()
    {
        var result = Import("""
            <configuration><system.web>
              <sessionState mode="StateServer" stateConnectionString="tcpip=a:1" />
              <sessionState mode="InProc" />
            </system.web></configuration>
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("system.web/sessionState", error.Setting);
        Assert.Equal(3, error.Line);
        Assert.Equal("tcpip=a:1", result.Values["LegacySession:StateServer:ConnectionString"]);
    }

    [Theory]
    [InlineData("4.5", "Framework45")]
    [InlineData("4.7.2", "Framework45")]
    [InlineData(".NETFramework,Version=v4.6.1", "Framework45")]
    [InlineData("4.0", "Framework20SP1")]
    [InlineData(null, "Framework20SP1")]
    public void CompatibilityMode_WhenAbsent_FollowsTheTargetFramework(string? targetFramework, string mode)
    {
        var runtime = targetFramework is null ? string.Empty : $"<httpRuntime targetFramework=\"{targetFramework}\" />";
        var result = Import($"<configuration><system.web>{runtime}<machineKey validationKey=\"{new string('A', 64)}\" /><sessionState mode=\"Off\" /></system.web></configuration>");

        Assert.Equal(mode, result.Values["LegacyAuthentication:MachineKey:CompatibilityMode"]);
    }

    [Fact]
    public void CompatibilityMode_WhenExplicit_WinsOverTheTargetFramework()
    {
        var result = Import($"<configuration><system.web><httpRuntime targetFramework=\"4.8\" /><machineKey compatibilityMode=\"Framework20SP2\" validationKey=\"{new string('A', 64)}\" /><sessionState mode=\"Off\" /></system.web></configuration>");

        Assert.Equal("Framework20SP2", result.Values["LegacyAuthentication:MachineKey:CompatibilityMode"]);
    }

    [Fact]
    public void HttpCookiesRequireSslFalse_MapsToNeverSecure()
    {
        var result = Import("<configuration><system.web><httpCookies requireSSL=\"false\" /><sessionState mode=\"Off\" /></system.web></configuration>");

        Assert.Equal("None", result.Values["LegacySession:CookieSecure"]);
    }

    [Fact]
    public void TheFormsCookieDomain_WinsOverTheHttpCookiesDomain()
    {
        var result = Import("<configuration><system.web><httpCookies domain=\".a.example\" /><authentication mode=\"Forms\"><forms domain=\"b.example\" /></authentication><sessionState mode=\"Off\" /></system.web></configuration>");

        Assert.Equal(".a.example", result.Values["LegacySession:CookieDomain"]);
        Assert.Equal("b.example", result.Values["LegacyAuthentication:Forms:Domain"]);
    }

    [Fact]
    public void RedisIntegerAttributes_ResolveThroughAppSettings_AndAnUnresolvableOneIsAnError()
    {
        var result = Import("""
            <configuration>
              <appSettings><add key="RedisPort" value="6390" /><add key="RedisSsl" value="false" /></appSettings>
              <system.web><httpRuntime targetFramework="4.8" />
                <sessionState mode="Custom" customProvider="R"><providers>
                  <add name="R" type="Microsoft.Web.Redis.RedisSessionStateProvider" host="h1" port="RedisPort" ssl="RedisSsl" databaseId="Nope" applicationName="/" />
                </providers></sessionState>
              </system.web>
            </configuration>
            """);

        Assert.Equal("h1:6390,ssl=false", result.Values["LegacySession:Redis:Configuration"]);
        var error = Assert.Single(result.Errors);
        Assert.EndsWith("/@databaseId", error.Setting, StringComparison.Ordinal);
    }

    [Fact]
    public void CharacterAndPredefinedEntities_AreDecoded()
    {
        var result = Import("""
            <configuration><system.web>
              <sessionState mode="SQLServer" sqlConnectionString="Server=sql05;User ID=s;Password=a&amp;b&#x21;&lt;" />
            </system.web></configuration>
            """);

        Assert.Equal("Server=sql05;User ID=s;Password=a&b!<;Initial Catalog=ASPState", result.Values["LegacySession:SqlServer:ConnectionString"]);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-8")]
    public void AFileWithAByteOrderMark_IsReadInItsEncoding(string encoding)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".config");
        try
        {
            var text = $"<?xml version=\"1.0\" encoding=\"{encoding}\"?><configuration><system.web><sessionState mode=\"StateServer\" stateConnectionString=\"tcpip=état:1\" cookieName=\"Sessión\" /></system.web></configuration>";
            File.WriteAllText(path, text, encoding == "utf-16" ? Encoding.Unicode : new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            var result = WebConfigImporter.Import(path);

            Assert.Equal("Sessión", result.Values["LegacySession:CookieName"]);
            Assert.Single(result.Errors); // a non-ASCII state server host is refused, as System.Web refuses it
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MonoPlatform_IsRejectedWhenUndefined()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Import("<configuration />", (LegacyPlatform)7));
    }

    private static WebConfigImportResult Import(string xml, LegacyPlatform platform = LegacyPlatform.SystemWeb) =>
        WebConfigImporter.Import(Path.Combine(Path.GetTempPath(), "web.config"), xml, new WebConfigImportOptions { Platform = platform });

    private static void AssertDiagnostics(JsonArray expected, IReadOnlyList<WebConfigDiagnostic> actual, string kind)
    {
        var remaining = actual.ToList();
        foreach (var item in expected.Select(e => e!.AsObject()))
        {
            var setting = (string)item["setting"]!;
            var contains = (string)item["contains"]!;
            var match = remaining.FirstOrDefault(d => d.Setting == setting && d.Message.Contains(contains, StringComparison.Ordinal));
            Assert.True(match is not null, $"no {kind} for {setting} containing '{contains}'; got:\n{string.Join("\n", actual)}");
            _ = remaining.Remove(match);
        }

        Assert.True(remaining.Count == 0, $"unexpected {kind}s:\n{string.Join("\n", remaining)}");
    }
}
