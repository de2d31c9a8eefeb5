using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionBridge.Mono.EndToEnd.Tests.Infrastructure;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Mono.EndToEnd.Tests;

/// <summary>
/// The whole Core side as a user deploys it: a Kestrel application with <c>UseLegacySession()</c>, configured only through
/// <c>LegacySession:LegacyPlatform=Mono</c>, <c>Store=MonoStateServer</c> and the legacy connection string, next to the
/// real System.Web application on Mono, both on one state server (SessionBridge's or Mono's asp-state4.exe), one browser
/// cookie for both.
/// </summary>
public sealed class CoreHostOnMonoSessionsTests
{
    public static TheoryData<string> Servers => ["sessionbridge", "asp-state4"];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task OneCookie_OneSession_AcrossTheMonoAppAndTheCoreApp(string kind)
    {
        using var server = await MonoStateServerStoreTests.StartAsync(kind);
        using var web = await MonoWebApp.StartAsync(server.Port);
        await using var core = await StartCoreAsync(server.ConnectionString);
        var cookies = new CookieContainer();
        using var mono = web.Client(cookies);
        using var coreClient = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = core.Address };
        var ct = TestContext.Current.CancellationToken;

        // Mono creates the session and its 24-hex id; the Core app finds it by the same cookie.
        var set = await mono.PostAsync("set", null, ct);
        var answer = await set.Content.ReadAsStringAsync(ct);
        Assert.True(set.IsSuccessStatusCode, answer);
        var id = answer["ok ".Length..].Trim();
        Assert.Equal("7|from mono|12.50|3f2504e0-4f89-11d3-9a0c-0305e82c3301|Ann|3", await coreClient.GetStringAsync("/values", ct));
        Assert.Equal(id, await coreClient.GetStringAsync("/id", ct));

        // Increments split across both apps, concurrently, through the one cookie: none is lost.
        var fromMono = Enumerable.Range(0, 2).Select(_ => Task.Run(
            async () =>
            {
                for (var i = 0; i < 25; i++)
                {
                    using var response = await mono.PostAsync("increment", null, ct);
                    Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
                }
            },
            ct));
        var fromCore = Enumerable.Range(0, 2).Select(_ => Task.Run(
            async () =>
            {
                for (var i = 0; i < 25; i++)
                {
                    using var response = await coreClient.PostAsync("/increment", null, ct);
                    Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
                }
            },
            ct));
        await Task.WhenAll(fromMono.Concat(fromCore));
        Assert.Equal("System.Int32:100", await mono.GetStringAsync("read?key=Count", ct));
        Assert.Equal("100", await coreClient.GetStringAsync("/count", ct));

        // A Core write is what System.Web reads, in Mono's format, with Mono's own values untouched.
        (await coreClient.PostAsync("/profile?name=Bob", null, ct)).EnsureSuccessStatusCode();
        Assert.Equal("LegacyApp.Models.Profile:Bob|1", await mono.GetStringAsync("read?key=CoreProfile", ct));
        Assert.Equal("LegacyApp.Models.Profile:Ann|3", await mono.GetStringAsync("read?key=MonoProfile", ct));

        // Abandon on Core: the Mono app starts over.
        (await coreClient.PostAsync("/abandon", null, ct)).EnsureSuccessStatusCode();
        Assert.Equal("null", await mono.GetStringAsync("read?key=Count", ct));
    }

    [Fact]
    public async Task StateServerDown_CoreAnswers503_AndTheSessionIsThereWhenItIsBack()
    {
        using var server = await MonoStateServerStoreTests.StartAsync("sessionbridge");
        using var web = await MonoWebApp.StartAsync(server.Port);
        var cookies = new CookieContainer();
        using var mono = web.Client(cookies);
        var ct = TestContext.Current.CancellationToken;
        (await mono.PostAsync("increment", null, ct)).EnsureSuccessStatusCode();

        // A Core app pointed at a port where nothing listens: 503, never an empty session.
        await using var nowhere = await StartCoreAsync("tcpip=127.0.0.1:" + Ports.Free().ToString(CultureInfo.InvariantCulture));
        using var nowhereClient = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = nowhere.Address };
        using var down = await nowhereClient.PostAsync("/increment", null, ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);

        await using var core = await StartCoreAsync(server.ConnectionString);
        using var coreClient = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = core.Address };
        using var up = await coreClient.PostAsync("/increment", null, ct);
        Assert.Equal("2", await up.Content.ReadAsStringAsync(ct));
    }

    private static async Task<CoreApp> StartCoreAsync(string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:LegacyPlatform"] = "Mono",
            ["LegacySession:Store"] = "MonoStateServer",
            ["LegacySession:MonoStateServer:ConnectionString"] = connectionString,
            ["LegacySession:MonoStateServer:NetworkTimeout"] = "00:00:30",
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddMonoStateServerStore();
        builder.Services.Configure<LegacySessionOptions>(o => o.Types.Map<CoreProfile>("LegacyApp.Models.Profile, MonoLegacyApp"));
        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.MapGet("/id", (HttpContext c) => c.GetLegacySession().SessionID).WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapGet("/values", (HttpContext c) =>
        {
            var s = c.GetLegacySession();
            var profile = (CoreProfile)s["MonoProfile"]!;
            return string.Join('|', s["MonoInt"], s["MonoString"], ((decimal)s["MonoDecimal"]!).ToString(CultureInfo.InvariantCulture), s["MonoGuid"], profile.Name, profile.Visits);
        }).WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapGet("/count", (HttpContext c) => Convert.ToString(c.GetLegacySession()["Count"], CultureInfo.InvariantCulture))
            .WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapPost("/increment", (HttpContext c) =>
        {
            var s = c.GetLegacySession();
            var count = (s["Count"] as int? ?? 0) + 1;
            s["Count"] = count;
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapPost("/profile", (HttpContext c, string name) => c.GetLegacySession()["CoreProfile"] = new CoreProfile { Name = name, Visits = 1 });
        app.MapPost("/abandon", (HttpContext c) => c.GetLegacySession().Abandon());
        await app.StartAsync();
        var address = app.Urls.Single();
        return new CoreApp(app, new Uri(address));
    }

    private sealed class CoreApp(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
