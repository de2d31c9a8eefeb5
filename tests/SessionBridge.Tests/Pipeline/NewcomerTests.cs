using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Stores;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

/// <summary>What a new user meets first: static files next to a locked session, the pipeline order, typos in configuration, the start-up line.</summary>
public sealed class NewcomerTests : IDisposable
{
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("sessionbridge-newcomer-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Theory]
    [InlineData(true)]  // app.js from its StaticAssetDescriptor endpoint, css/site.css from MapStaticAssets()' fallback
    [InlineData(false)] // both from UseStaticFiles(), no endpoint matched
    public async Task StaticFiles_AndStaticAssets_AreServedWhileTheSessionIsLocked(bool mapStaticAssets)
    {
        Directory.CreateDirectory(Path.Combine(_contentRoot, "wwwroot", "css"));
        File.WriteAllText(Path.Combine(_contentRoot, "wwwroot", "css", "site.css"), "body { }\n");
        File.WriteAllText(Path.Combine(_contentRoot, "wwwroot", "app.js"), "// app\n");
        var manifest = Path.Combine(_contentRoot, "app.staticwebassets.endpoints.json");
        File.WriteAllText(manifest, """
            {"Version":1,"ManifestType":"Build","Endpoints":[{"Route":"app.js","AssetFile":"app.js","Selectors":[],"EndpointProperties":[],
             "ResponseHeaders":[{"Name":"Content-Type","Value":"text/javascript"},{"Name":"Content-Length","Value":"7"},{"Name":"ETag","Value":"\"a\""},{"Name":"Last-Modified","Value":"Thu, 01 Jan 2026 00:00:00 GMT"}]}]}
            """);
        var builder = Builder(new WebApplicationOptions { ContentRootPath = _contentRoot, WebRootPath = "wwwroot" });
        builder.Services.AddLegacySession().AddInMemoryStore();
        await using var app = builder.Build();
        // Both after the session middleware, the order where it matters: an endpoint of MapStaticAssets(), and a file
        // UseStaticFiles() serves when no endpoint matched.
        app.UseRouting();
        app.UseLegacySession();
        app.UseStaticFiles();
        if (mapStaticAssets)
        {
            app.MapStaticAssets(manifest);
        }

        app.MapPost("/write", (HttpContext c) => c.GetLegacySession()["Count"] = 1);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var store = app.Services.GetRequiredService<Hosting.LegacySessionStoreResolver>().Store;
        var id = await Sessions.SeedAsync(store, items: ("Count", 0));
        var ct = TestContext.Current.CancellationToken;
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("Cookie", TestApp.CookieName + "=" + id);

        // Another request holds the exclusive lock: a Required endpoint waits, static content does not.
        var holder = await store.GetItemAsync(id, exclusive: true, ct);
        Assert.Equal(SessionStoreStatus.Found, holder.Status);
        var write = client.PostAsync("/write", null, ct);

        using var css = await client.GetAsync("/css/site.css", ct);
        using var js = await client.GetAsync("/app.js", ct);

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("body { }\n", await css.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("// app\n", await js.Content.ReadAsStringAsync(ct));
        Assert.False(write.IsCompleted);
        await store.ReleaseItemExclusiveAsync(id, holder.LockId!, ct);
        Assert.Equal(HttpStatusCode.OK, (await write).StatusCode);
    }

    [Fact]
    public async Task UseLegacySession_BeforeUseRouting_FailsAtStart_SayingWhatToChange()
    {
        var builder = Builder();
        builder.Services.AddLegacySession().AddInMemoryStore();
        await using var app = builder.Build();
        app.UseLegacySession();
        app.UseRouting();
        app.MapGet("/", () => "hello");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Call app.UseRouting() before app.UseLegacySession()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnExplicitUseRouting_TheImplicitRoutingRunsFirst_AndTheAppStarts()
    {
        var builder = Builder();
        builder.Services.AddLegacySession().AddInMemoryStore();
        await using var app = builder.Build();
        app.UseLegacySession();
        app.MapGet("/disabled", () => "no session").WithLegacySession(LegacySessionBehavior.Disabled);
        await app.StartAsync(TestContext.Current.CancellationToken);

        using var response = await app.GetTestClient().GetAsync("/disabled", TestContext.Current.CancellationToken);

        Assert.Equal("no session", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(TestApp.SessionSetCookie(response));
    }

    [Fact]
    public async Task ATypoInSessionKeys_FailsAtStart_NamingTheKeyAndTheAllowedKinds()
    {
        var builder = Builder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:SessionKeys:UserName"] = "Strin" });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddInMemoryStore();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("LegacySession:SessionKeys:UserName is 'Strin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtStart_OneLineSaysWhichStoreServesTheSessions()
    {
        var logs = new FakeLoggerProvider();
        var builder = Builder();
        builder.Logging.AddProvider(logs);
        builder.Services.AddLegacySession().AddInMemoryStore();
        await using var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        await app.StartAsync(TestContext.Current.CancellationToken);

        var line = Assert.Single(logs.Entries, e => e.EventId.Id == 803);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Legacy session store: ", line.Message, StringComparison.Ordinal);
    }

    private static WebApplicationBuilder Builder(WebApplicationOptions? options = null)
    {
        var builder = options is null ? WebApplication.CreateSlimBuilder() : WebApplication.CreateSlimBuilder(options);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        return builder;
    }
}
