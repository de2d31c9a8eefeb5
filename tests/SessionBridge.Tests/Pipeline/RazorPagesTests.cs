using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

/// <summary>
/// Razor Pages (the pages under Pipeline/RazorPages): a handler method's <see cref="LegacySessionAttribute"/> wins over
/// the page class's, chosen by HTTP method and handler name as Razor Pages selects the handler; a handler without one
/// gets the page's. Each handler reports whether its session is read-only, whether the store shows the session locked
/// while it runs, and whether its write was accepted; the store then shows whether the write was saved.
/// </summary>
public sealed class RazorPagesTests
{
    public static TheoryData<string, string, string, int> Handlers => new()
    {
        // method, path, what the handler saw, Count in the store afterwards (seeded with 1)
        { "GET", "/ReadOnlyPage", "readonly=True locked=False refused", 1 },
        { "POST", "/ReadOnlyPage", "readonly=False locked=True written", 2 },
        { "POST", "/ReadOnlyPage?handler=Named", "readonly=True locked=False refused", 1 },
        { "GET", "/RequiredPage", "readonly=False locked=True written", 2 },
        { "POST", "/RequiredPage", "readonly=True locked=False refused", 1 },
        { "POST", "/RequiredPage?handler=Peek", "readonly=True locked=False refused", 1 },
        { "POST", "/RequiredPage?handler=Write", "readonly=False locked=True written", 2 },
    };

    [Theory]
    [MemberData(nameof(Handlers))]
    public async Task HandlerAttribute_OverridesThePageClass(string method, string path, string seen, int stored)
    {
        await using var app = await StartAsync();
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        using var response = await app.SendAsync(new HttpMethod(method), path, id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(seen, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(stored, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
        await Sessions.AssertUnlockedAsync(app.Store, id);
    }

    [Fact]
    public async Task DisabledHandler_OnAReadOnlyPage_HasNoSession()
    {
        await using var app = await StartAsync();
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        using var response = await app.PostAsync("/ReadOnlyPage?handler=Off", id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("disabled True", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(TestApp.SessionSetCookie(response));
    }

    private static Task<TestApp> StartAsync() => TestApp.StartAsync(
        app => app.MapRazorPages(),
        configureServices: services => services.AddRazorPages(o => o.RootDirectory = "/Pipeline/RazorPages"));
}
