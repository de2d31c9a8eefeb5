using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class StoreFailureTests
{
    [Fact]
    public async Task FailingRead_Answers503_AndNeverRunsTheEndpoint()
    {
        var store = new FaultyStore();
        var ran = 0;
        await using var app = await TestApp.StartAsync(a => a.MapPost("/inc", () => Interlocked.Increment(ref ran)), store: store);
        var id = await Sessions.SeedAsync(store, items: ("Count", 1));
        store.FailGet = true;

        var response = await app.PostAsync("/inc", id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", TestApp.ContentType(response)?.MediaType);
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task FailingWrite_Answers503_InsteadOfTheEndpointsSuccess_AndNothingIsSaved()
    {
        var store = new FaultyStore();
        await using var app = await TestApp.StartAsync(Endpoints.Map, store: store);
        var id = await Sessions.SeedAsync(store, items: ("Count", 1));
        var writesBefore = store.Writes;
        store.FailWrite = true;

        var response = await app.PostAsync("/inc", id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("2", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(writesBefore, store.Writes);
        store.FailWrite = false;
        Assert.Equal(1, (await Sessions.ReadAsync(store, id))!.Items["Count"]);
        await Sessions.AssertUnlockedAsync(store, id);
    }

    [Fact]
    public async Task FailingStore_StatusCodeIsConfigurable()
    {
        var store = new FaultyStore { FailGet = true };
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreFailureStatusCode = 500, store: store);

        var response = await app.PostAsync("/inc", Legacy.Format.SessionId.Create());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task HangingStore_TimesOut_With503()
    {
        var time = new FakeTimeProvider();
        var store = new FaultyStore(time) { HangGet = true };
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromSeconds(2), time: time, store: store);

        var request = app.PostAsync("/inc", Legacy.Format.SessionId.Create());
        for (var i = 0; i < 1000 && !request.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await request).StatusCode);
    }

    [Fact]
    public async Task CorruptStoredSession_AnswersAnError_AndIsNeitherEmptiedNorOverwritten()
    {
        var store = new FaultyStore();
        var ran = 0;
        await using var app = await TestApp.StartAsync(a => a.MapPost("/inc", (HttpContext c) =>
        {
            Interlocked.Increment(ref ran);
            c.GetLegacySession()["Count"] = 0;
        }), store: store);
        var id = await Sessions.SeedAsync(store, items: ("Count", 1));
        var writesBefore = store.Writes;
        store.CorruptGet = true;

        var response = await app.PostAsync("/inc", id);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("corrupt", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, ran);
        Assert.Equal(writesBefore, store.Writes);
        store.CorruptGet = false;
        Assert.Equal(1, (await Sessions.ReadAsync(store, id))!.Items["Count"]);
    }
}
