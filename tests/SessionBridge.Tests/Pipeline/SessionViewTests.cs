using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class SessionViewTests
{
    private static void Map(WebApplication app)
    {
        app.MapGet("/core", (HttpContext context) =>
            $"{context.Session.GetString("UserName")}:{context.Session.GetInt32("Count")}:{context.Session.Id == context.GetLegacySession().SessionID}:{string.Join(',', context.Session.Keys)}")
            .WithLegacySession(LegacySessionBehavior.ReadOnly);

        app.MapPost("/core-set", (HttpContext context) =>
        {
            context.Session.SetString("UserName", "bob");
            context.Session.SetInt32("Count", 41);
            context.Session.SetString("Theme", "dark");
            return "ok";
        });

        app.MapPost("/core-set-unregistered", (HttpContext context) =>
        {
            try
            {
                context.Session.SetString("Unknown", "x");
                return "stored";
            }
            catch (InvalidOperationException ex)
            {
                return ex.Message;
            }
        });
    }

    [Fact]
    public async Task CoreSessionApi_ReadsLegacyStringsAndInts()
    {
        await using var app = await TestApp.StartAsync(Map);
        var id = await Sessions.SeedAsync(app.Store, items: [("UserName", "alice"), ("Count", 3)]);

        var body = await (await app.GetAsync("/core", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("alice:3:True:UserName,Count", body);
    }

    [Fact]
    public async Task CoreSessionApi_SetStoresLegacyTypes_ByRegistrationOrExistingKind()
    {
        await using var app = await TestApp.StartAsync(Map, o => o.SessionKeys["Theme"] = LegacySessionValueKind.String);
        var id = await Sessions.SeedAsync(app.Store, items: [("UserName", "alice"), ("Count", 3)]);

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync("/core-set", id)).StatusCode);

        var stored = (await Sessions.ReadAsync(app.Store, id))!.Items;
        Assert.Equal("bob", stored["UserName"]);
        Assert.Equal(41, stored["Count"]);
        Assert.Equal("dark", stored["Theme"]);
    }

    [Fact]
    public async Task CoreSessionApi_SetOfAnUnregisteredNewKey_ThrowsWithAFix()
    {
        await using var app = await TestApp.StartAsync(Map);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 3));

        var body = await (await app.PostAsync("/core-set-unregistered", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("options.SessionKeys[\"Unknown\"]", body, StringComparison.Ordinal);
        Assert.False((await Sessions.ReadAsync(app.Store, id))!.Items.ContainsKey("Unknown"));
    }
}
