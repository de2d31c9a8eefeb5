using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Configuration;
using SessionBridge.Legacy.Tests.Configuration;
using SessionBridge.Redis;
using SessionBridge.StateServer.Client;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Configuration;

public sealed class LegacyWebConfigSourceTests : IDisposable
{
    private const string StateServerWebConfig = """
        <configuration>
          <appSettings><add key="aspnet:RequestQueueLimitPerSession" value="20" /></appSettings>
          <system.web>
            <httpRuntime targetFramework="4.8" executionTimeout="300" />
            <httpCookies requireSSL="true" domain=".example.com" />
            <sessionState mode="StateServer" stateConnectionString="tcpip=10.0.0.5:42424" stateNetworkTimeout="15"
                          timeout="30" cookieName="Shop_SessionId" cookieSameSite="Strict" compressionEnabled="true" />
          </system.web>
        </configuration>
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("webconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WebConfigValues_BindToTheSessionAndStateServerOptions()
    {
        var path = Write("web.config", StateServerWebConfig);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _directory });
        builder.Configuration.AddLegacyWebConfig(path);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:StateServer:ApplicationId"] = "/LM/W3SVC/1/ROOT", // the one setting a web.config cannot give
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddStateServerStore();
        using var app = builder.Build();

        var session = app.Services.GetRequiredService<IOptions<LegacySessionOptions>>().Value;
        Assert.Equal("Shop_SessionId", session.CookieName);
        Assert.Equal(30, session.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), session.ExecutionTimeout);
        Assert.Equal(20, session.RequestQueueLimit);
        Assert.Equal(CookieSecurePolicy.Always, session.CookieSecure);
        Assert.Equal(".example.com", session.CookieDomain);
        Assert.Equal(SameSiteMode.Strict, session.CookieSameSite);
        Assert.Equal("StateServer", session.Store);

        var stateServer = app.Services.GetRequiredService<IOptions<StateServerStoreOptions>>().Value;
        Assert.Equal("tcpip=10.0.0.5:42424", stateServer.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(15), stateServer.NetworkTimeout);
        Assert.True(session.CompressionEnabled);
        Assert.Equal("/LM/W3SVC/1/ROOT", stateServer.ApplicationId);
    }

    [Fact]
    public void RedisProviderAttributes_BindToTheRedisStoreOptions()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _directory });
        builder.Configuration.AddLegacyWebConfig(WebConfigCases.PathOf("redis-host-port"));
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddRedisStore();
        using var app = builder.Build();

        var redis = app.Services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
        Assert.Equal("shop.redis.cache.windows.net:6380,password=c2VjcmV0LWFjY2Vzcy1rZXk=,ssl=true,connectTimeout=5000,syncTimeout=1000,defaultDatabase=2", redis.Configuration);
        Assert.Equal("/Shop", redis.ApplicationName);
        Assert.Equal(RedisKeyLayout.V5, redis.KeyLayout);
        Assert.Equal(TimeSpan.FromSeconds(120), redis.ExecutionTimeout);
        Assert.Equal(TimeSpan.FromMinutes(25), redis.SessionTimeout);
        Assert.Equal("Redis", app.Services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.Store);
    }

    [Fact]
    public void ValuesFromOtherSources_WinWhetherAddedBeforeOrAfter()
    {
        var path = Write("web.config", StateServerWebConfig);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:CookieName"] = "FromAppSettings" })
            .AddLegacyWebConfig(path)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:Timeout"] = "99" })
            .Build();

        Assert.Equal("FromAppSettings", configuration["LegacySession:CookieName"]);
        Assert.Equal("99", configuration["LegacySession:Timeout"]);
        Assert.Equal("tcpip=10.0.0.5:42424", configuration["LegacySession:StateServer:ConnectionString"]);
        Assert.IsType<SessionBridge.Configuration.LegacyWebConfigSource>(((IConfigurationBuilder)new ConfigurationBuilder()
            .AddInMemoryCollection().AddLegacyWebConfig(path)).Sources[0]);
    }

    [Fact]
    public void OnTheWebApplicationBuilder_AppSettingsAndCommandLine_WinOverTheWebConfig()
    {
        var path = Write("web.config", StateServerWebConfig);
        Write("appsettings.json", """{ "LegacySession": { "CookieName": "FromJson" } }""");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = _directory,
            Args = ["--LegacySession:Timeout=77"],
        });

        builder.Configuration.AddLegacyWebConfig("web.config"); // relative to the content root

        Assert.Equal("FromJson", builder.Configuration["LegacySession:CookieName"]);
        Assert.Equal("77", builder.Configuration["LegacySession:Timeout"]);
        Assert.Equal("Strict", builder.Configuration["LegacySession:CookieSameSite"]);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void AWebConfigThatCannotBeShared_ThrowsAtTheCallNamingTheFileTheSettingAndTheFix()
    {
        var path = Write("web.config", """
            <configuration><system.web>
              <sessionState mode="InProc" cookieless="UseUri" />
            </system.web></configuration>
            """);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _directory });

        var ex = Assert.Throws<WebConfigImportException>(() => builder.Configuration.AddLegacyWebConfig(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("(2 errors)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("system.web/sessionState/@mode", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mode=\"StateServer\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("system.web/sessionState/@cookieless", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Errors.Count);
        Assert.All(ex.Errors, e => Assert.Equal(2, e.Line));
    }

    [Theory]
    [InlineData("<configuration><system.web><sessionState mode=\"Redis\" /></system.web></configuration>", "'Redis' is not a session state mode")]
    [InlineData("<configuration><system.web><sessionState mode=\"StateServer\"></system.web></configuration>", "not well-formed XML")]
    public void MalformedXmlAndUnknownModes_ThrowAClearError(string xml, string message)
    {
        var path = Write("web.config", xml);

        var ex = Assert.Throws<WebConfigImportException>(() => new ConfigurationBuilder().AddLegacyWebConfig(path).Build());

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingWebConfig_Throws()
    {
        var ex = Assert.Throws<WebConfigImportException>(() => new ConfigurationBuilder().AddLegacyWebConfig(Path.Combine(_directory, "missing.config")).Build());
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MonoPlatform_MapsStateServerToTheMonoStateServer()
    {
        var configuration = new ConfigurationBuilder().AddLegacyWebConfig(WebConfigCases.PathOf("stateserver-mono"), LegacyPlatform.Mono).Build();

        Assert.Equal("MonoStateServer", configuration["LegacySession:Store"]);
        Assert.Equal("Mono", configuration["LegacySession:LegacyPlatform"]);
        Assert.Equal("tcpip=127.0.0.1:42424", configuration["LegacySession:MonoStateServer:ConnectionString"]);
    }

    [Fact]
    public async Task Warnings_AreLoggedWhenTheHostStarts()
    {
        var path = Write("web.config", StateServerWebConfig);
        var logs = new FakeLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _directory });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Configuration.AddLegacyWebConfig(path);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "InMemory",
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"));
        await using var app = builder.Build();

        await app.StartAsync(TestContext.Current.CancellationToken);

        var warnings = logs.Entries.Where(e => e.EventId.Id == 801).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Contains(warnings, w => w.Message.Contains("LegacySession:StateServer:ApplicationId", StringComparison.Ordinal));
        var imported = Assert.Single(logs.Entries, e => e.EventId.Id == 802);
        Assert.Contains("Imported 12 settings", imported.Message, StringComparison.Ordinal);
        Assert.Contains(path, imported.Message, StringComparison.Ordinal);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheSample_HonoursLegacySessionWebConfig()
    {
        var path = Write("web.config", """
            <configuration><system.web>
              <httpRuntime targetFramework="4.8" />
              <sessionState mode="Off" cookieName="Shop_SessionId" timeout="45" />
            </system.web></configuration>
            """);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("LegacySession:WebConfig", path));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var response = await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // /login also sets the legacy login cookies (.ASPXAUTH, .AspNet.ApplicationCookie); one session cookie.
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Shop_SessionId=", StringComparison.Ordinal));
        Assert.Equal(45, factory.Services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.Timeout);
    }

    [Fact]
    public async Task TheSample_LetsSettingsOverrideTheWebConfig()
    {
        var path = Write("web.config", """
            <configuration><system.web>
              <httpRuntime targetFramework="4.8" />
              <sessionState mode="Off" cookieName="Shop_SessionId" />
            </system.web></configuration>
            """);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("LegacySession:WebConfig", path)
            .UseSetting("LegacySession:CookieName", "Core_SessionId"));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var response = await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken);

        // /login also sets the legacy login cookies (.ASPXAUTH, .AspNet.ApplicationCookie); one session cookie.
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Core_SessionId=", StringComparison.Ordinal));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
