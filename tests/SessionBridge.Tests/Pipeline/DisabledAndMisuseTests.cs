using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Stores;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class DisabledAndMisuseTests
{
    [Fact]
    public async Task DisabledEndpoint_WithAPresentedId_SlidesTheSessionsExpiry()
    {
        var time = new FakeTimeProvider();
        await using var app = await TestApp.StartAsync(Endpoints.Map, time: time);
        var id = await Sessions.SeedAsync(app.Store, timeout: 10, items: ("Count", 1));

        time.Advance(TimeSpan.FromMinutes(9));
        await app.GetAsync("/disabled", id);
        time.Advance(TimeSpan.FromMinutes(9));

        Assert.Equal(SessionStoreStatus.Found, (await app.Store.GetItemAsync(id, exclusive: false, TestContext.Current.CancellationToken)).Status);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(SessionStoreStatus.NotFound, (await app.Store.GetItemAsync(id, exclusive: false, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task ReadOnlyRequest_ForAnUnknownId_IsANewSessionThatIsNeverStored()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        var id = Legacy.Format.SessionId.Create();

        var info = await (await app.GetAsync("/info-ro", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal($"new|{id}|0|0", info);
        Assert.Null(await Sessions.ReadAsync(app.Store, id));
    }

    [Fact]
    public async Task GetLegacySession_WithoutTheMiddleware_SaysWhatToDo()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddLegacySession();
        await using var app = builder.Build();
        app.MapGet("/", (HttpContext context) =>
        {
            try
            {
                _ = context.GetLegacySession();
                return "session";
            }
            catch (InvalidOperationException ex)
            {
                return ex.Message;
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);

        var body = await app.GetTestClient().GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("app.UseLegacySession()", body, StringComparison.Ordinal);
    }
}
