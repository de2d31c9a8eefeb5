using Microsoft.Playwright;
using SessionBridge.SideBySide.BrowserTests.Infrastructure;

namespace SessionBridge.SideBySide.BrowserTests;

/// <summary>
/// The side-by-side sample in a real browser: chromium talks only to the front door, which serves the migrated pages
/// itself and forwards the rest to the System.Web app on Mono; both read and write one session in the state server.
/// </summary>
public sealed class SideBySideBrowserTests(SideBySideFixture sample) : IClassFixture<SideBySideFixture>
{
    private const string CoreMarker = "Migrated app (ASP.NET Core)";
    private const string LegacyMarker = "Legacy app (System.Web on Mono)";

    [Fact]
    public async Task Health_IsOk_WhenTheCoreApp_TheLegacyApp_AndTheStoreAnswer()
    {
        var shots = new Screenshots(nameof(Health_IsOk_WhenTheCoreApp_TheLegacyApp_AndTheStoreAnswer));
        await using var context = await sample.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(Url("health"));
        await shots.TakeAsync(page, "health");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var body = await response.TextAsync();
        Assert.StartsWith("Healthy", body, StringComparison.Ordinal);
        Assert.Contains("core: Healthy", body, StringComparison.Ordinal);
        Assert.Contains("legacy-app: Healthy", body, StringComparison.Ordinal);
        Assert.Contains("store: Healthy", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginOnLegacy_CartOnCore_CheckoutOnLegacy_LogoutOnCore_ShareOneSession()
    {
        var shots = new Screenshots(nameof(LoginOnLegacy_CartOnCore_CheckoutOnLegacy_LogoutOnCore_ShareOneSession));
        await using var context = await sample.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await shots.RunAsync(context, sample, async () =>
        {
            // Log in on the legacy page: System.Web stores Session["User"].
            await page.GotoAsync(Url("login"));
            await AssertOnAsync(page, LegacyMarker);
            await page.FillAsync("#user", "alice");
            await shots.TakeAsync(page, "legacy-login-form");
            await page.ClickAsync("#login");
            await ArrivedAtAsync(page, "account");
            Assert.Equal("Logged in as alice", await page.TextContentAsync("#user"));
            await shots.TakeAsync(page, "legacy-account-logged-in");

            // A migrated page shows the same user, from the same session.
            await page.GotoAsync(Url("products/SKU-1"));
            await AssertOnAsync(page, CoreMarker);
            Assert.Equal("Logged in as alice", await page.TextContentAsync("#user"));
            await shots.TakeAsync(page, "core-product-shows-user");

            // Add to the cart on the migrated page: Session["Cart"] (string[]) written by ASP.NET Core.
            await page.ClickAsync("#add");
            await ArrivedAtAsync(page, "cart");
            await AssertOnAsync(page, CoreMarker);
            await Assertions.Expect(page.Locator("#items .item")).ToHaveTextAsync(["SKU-1 · Blue mug"]);
            await shots.TakeAsync(page, "core-cart");

            // The legacy checkout lists it: System.Web read what Core wrote.
            await page.ClickAsync("#checkout");
            await ArrivedAtAsync(page, "checkout");
            await AssertOnAsync(page, LegacyMarker);
            await Assertions.Expect(page.Locator("#items .item")).ToHaveTextAsync(["SKU-1"]);
            Assert.Equal("Logged in as alice", await page.TextContentAsync("#user"));
            await shots.TakeAsync(page, "legacy-checkout-lists-cart");

            // Log out on a migrated page (the session is abandoned); the legacy account page shows nobody.
            await page.GotoAsync(Url("products/SKU-2"));
            await AssertOnAsync(page, CoreMarker);
            await shots.TakeAsync(page, "core-before-logout");
            await page.ClickAsync("#logout");
            await ArrivedAtAsync(page, "account");
            await AssertOnAsync(page, LegacyMarker);
            Assert.Equal("not logged in", await page.TextContentAsync("#user"));
            await shots.TakeAsync(page, "legacy-account-logged-out");

            await page.GotoAsync(Url("checkout"));
            await Assertions.Expect(page.Locator("#items .item")).ToHaveCountAsync(0);
            await shots.TakeAsync(page, "legacy-checkout-empty");
        });
    }

    [Fact]
    public async Task SlowLegacyPage_AndCoreCartWrite_InTwoTabs_BothUpdatesAreKept()
    {
        var shots = new Screenshots(nameof(SlowLegacyPage_AndCoreCartWrite_InTwoTabs_BothUpdatesAreKept));
        await using var context = await sample.Browser.NewContextAsync();
        var slowTab = await context.NewPageAsync();
        var cartTab = await context.NewPageAsync();
        await shots.RunAsync(context, sample, async () =>
        {
            await slowTab.GotoAsync(Url("login"));
            await slowTab.FillAsync("#user", "bob");
            await slowTab.ClickAsync("#login");
            await ArrivedAtAsync(slowTab, "account");
            await cartTab.GotoAsync(Url("products/SKU-2"));
            Assert.Equal("Logged in as bob", await cartTab.TextContentAsync("#user"));
            await shots.TakeAsync(cartTab, "core-product-tab2");

            // Tab 1 loads the legacy page that holds the exclusive session lock for 3 s, then increments Session["Slow"].
            // Its first line is sent while the lock is held; once it has arrived, tab 2 adds to the cart on Core (a write
            // under the same lock), which must wait for the legacy page instead of overwriting it.
            var waitsBefore = CountLockWaits();
            var slowStarted = slowTab.WaitForResponseAsync(r => r.Url.EndsWith("/slow?ms=3000", StringComparison.Ordinal));
            var slow = slowTab.GotoAsync(Url("slow?ms=3000"));
            await slowStarted;
            await cartTab.ClickAsync("#add");
            await ArrivedAtAsync(cartTab, "cart");
            await slow;

            // Core waited for the lock the legacy page held (SessionBridge's LockWaiting event, id 101).
            Assert.True(CountLockWaits() > waitsBefore, "The Core cart write did not wait for the legacy page's lock:\n" + sample.Output);
            Assert.Equal("Held the session for 3000 ms; slow page finished 1 time(s)", await slowTab.TextContentAsync("#slow"));
            await shots.TakeAsync(slowTab, "legacy-slow-tab1-done");
            await Assertions.Expect(cartTab.Locator("#items .item")).ToHaveTextAsync(["SKU-2 · Teapot"]);
            await shots.TakeAsync(cartTab, "core-cart-tab2-done");

            // Afterwards both updates are in the session: neither request overwrote the other's.
            await cartTab.GotoAsync(Url("checkout"));
            await Assertions.Expect(cartTab.Locator("#items .item")).ToHaveTextAsync(["SKU-2"]);
            Assert.Equal("Slow page finished 1 time(s)", await cartTab.TextContentAsync("#slow"));
            await shots.TakeAsync(cartTab, "legacy-checkout-both-updates");
            await slowTab.GotoAsync(Url("cart"));
            await Assertions.Expect(slowTab.Locator("#items .item")).ToHaveTextAsync(["SKU-2 · Teapot"]);
            await shots.TakeAsync(slowTab, "core-cart-tab1");
        });
    }

    /// <summary>
    /// Waits until the page's address is <paramref name="path"/>, the document a click navigated to (through redirects,
    /// after a lock wait). Not <c>IPage.WaitForURLAsync</c>: when the address already matches, it checks the load state
    /// and only then subscribes to it, so a <c>load</c> that fires in between is missed and the call waits out its
    /// timeout with the page long loaded. The assertion polls the address in the browser instead.
    /// </summary>
    private Task ArrivedAtAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(Url(path), new PageAssertionsToHaveURLOptions { Timeout = 30_000 });

    private int CountLockWaits() =>
        sample.Output.Split('\n').Count(line => line.Contains("[101]", StringComparison.Ordinal));

    private string Url(string path) => new Uri(sample.FrontDoor, path).ToString();

    private static async Task AssertOnAsync(IPage page, string marker) =>
        Assert.Equal(marker, await page.TextContentAsync("em"));
}
