using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class UnbufferedResponseTests
{
    private static void Map(WebApplication app)
    {
        Endpoints.Map(app);
        app.MapPost("/stream", async (HttpContext context) =>
        {
            context.GetLegacySession()["Count"] = 1;
            await context.Response.WriteAsync("first part ");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("second part");
        });
    }

    [Fact]
    public async Task WithoutBuffering_ANewSessionChangedBeforeTheResponseStarts_StillGetsItsCookie()
    {
        await using var app = await TestApp.StartAsync(Map, o => o.BufferResponse = false);

        var response = await app.PostAsync("/stream");

        Assert.Equal("first part second part", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var id = TestApp.SessionIdFrom(response);
        Assert.NotNull(id);
        Assert.Equal(1, (await Sessions.ReadAsync(app.Store, id!))!.Items["Count"]);
    }

    [Fact]
    public async Task WithoutBuffering_AFailedSaveAfterTheResponseStarted_AbortsTheResponse()
    {
        var store = new FaultyStore();
        await using var app = await TestApp.StartAsync(Map, o => o.BufferResponse = false, store: store);
        var id = await Sessions.SeedAsync(store, items: ("Count", 0));
        store.FailWrite = true;

        var failure = await Record.ExceptionAsync(async () =>
        {
            var response = await app.PostAsync("/stream", id);
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        });

        Assert.NotNull(failure);
        store.FailWrite = false;
        Assert.Equal(0, (await Sessions.ReadAsync(store, id))!.Items["Count"]);
        await Sessions.AssertUnlockedAsync(store, id);
    }

    [Fact]
    public async Task WithBuffering_TheEndpointsFlushDoesNotStartTheResponseBeforeTheSave()
    {
        var store = new FaultyStore();
        await using var app = await TestApp.StartAsync(Map, store: store);
        var id = await Sessions.SeedAsync(store, items: ("Count", 0));
        store.FailWrite = true;

        var response = await app.PostAsync("/stream", id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("part", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
