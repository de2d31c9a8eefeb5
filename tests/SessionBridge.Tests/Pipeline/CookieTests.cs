using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class CookieTests
{
    [Fact]
    public async Task NewSession_ThatStoresSomething_GetsSystemWebCookie()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        var response = await app.PostAsync("/inc");

        var cookie = TestApp.SessionSetCookie(response);
        Assert.NotNull(cookie);
        var id = TestApp.SessionIdFrom(response);
        Assert.True(SessionId.IsLegit(id));
        Assert.Equal($"ASP.NET_SessionId={id}; path=/; HttpOnly; SameSite=Lax", cookie);
        Assert.Equal(1, (await Sessions.ReadAsync(app.Store, id!))!.Items["Count"]);
    }

    [Fact]
    public async Task CookieAttributes_FollowOptions()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o =>
        {
            o.CookieName = "Legacy_Sid";
            o.CookieDomain = "example.test";
            o.CookieSecure = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
            o.CookieSameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
        });

        var response = await app.PostAsync("/inc");

        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Matches("^Legacy_Sid=[a-z0-5]{24}; domain=example.test; path=/; secure; HttpOnly; SameSite=Strict$", cookie);
    }

    [Fact]
    public async Task NewSession_ThatStoresNothing_GetsNoCookieAndIsNotStored()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        var required = await app.GetAsync("/info");
        var readOnly = await app.GetAsync("/info-ro");

        Assert.Null(TestApp.SessionSetCookie(required));
        Assert.Null(TestApp.SessionSetCookie(readOnly));
        var id = (await required.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('|')[1];
        Assert.Null(await Sessions.ReadAsync(app.Store, id));
    }

    [Fact]
    public async Task LegacyIssuedId_IsAccepted_InAnyCase()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 7));

        var lower = await app.GetAsync("/count", id);
        var upper = await app.PostAsync("/inc", id.ToUpperInvariant());

        Assert.Equal("7", await lower.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("8", await upper.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(TestApp.SessionSetCookie(upper));
        Assert.Equal(8, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    [Theory]
    [InlineData("tooshort")]
    [InlineData("abcdefghijklmnopqrstuvw6")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk")]
    public async Task InvalidCookieValue_GetsANewId(string presented)
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        var response = await app.PostAsync("/inc", presented);

        var id = TestApp.SessionIdFrom(response);
        Assert.True(SessionId.IsLegit(id));
        Assert.NotEqual(presented, id);
        Assert.Equal("1", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownPresentedId_IsReused_AsANewSession()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = SessionId.Create();

        var response = await app.PostAsync("/inc", id);
        var info = await app.GetAsync("/info", id);

        Assert.Null(TestApp.SessionSetCookie(response));
        Assert.Equal("1", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith($"existing|{id}|1", await info.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPresentedId_OnExclusiveRequest_IsNewSession_AndLeavesAnUninitializedItem()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = SessionId.Create();

        var info = await (await app.GetAsync("/info", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal($"new|{id}|0|0", info);
        var stored = await app.Store.GetItemAsync(id, exclusive: false, TestContext.Current.CancellationToken);
        Assert.Equal(SessionStoreStatus.Found, stored.Status);
    }

    [Fact]
    public async Task RejectUnknownIds_IssuesANewIdInsteadOfReusing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.RejectUnknownIds = true);
        var planted = SessionId.Create();

        var response = await app.PostAsync("/inc", planted);

        var id = TestApp.SessionIdFrom(response);
        Assert.NotNull(id);
        Assert.NotEqual(planted, id);
        Assert.Null(await Sessions.ReadAsync(app.Store, planted));
        Assert.Equal(1, (await Sessions.ReadAsync(app.Store, id!))!.Items["Count"]);
    }

    [Fact]
    public async Task RejectUnknownIds_StillAcceptsStoredIds()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.RejectUnknownIds = true);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        var response = await app.PostAsync("/inc", id);

        Assert.Null(TestApp.SessionSetCookie(response));
        Assert.Equal("2", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DisabledEndpoint_HasNoSession_AndSetsNoCookie()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        var response = await app.GetAsync("/disabled");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no session", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(TestApp.SessionSetCookie(response));
    }
}
