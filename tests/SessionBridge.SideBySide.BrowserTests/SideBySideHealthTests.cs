using System.Diagnostics;
using SessionBridge.SideBySide.BrowserTests.Infrastructure;

namespace SessionBridge.SideBySide.BrowserTests;

/// <summary>
/// /health on a sample of its own (this class kills its children): 503 naming the part that stopped answering.
/// </summary>
public sealed class SideBySideHealthTests(SideBySideFixture sample) : IClassFixture<SideBySideFixture>
{
    [Fact]
    public async Task Health_Is503_AndNamesThePart_WhenTheStoreOrTheLegacyAppIsDown()
    {
        var shots = new Screenshots(nameof(Health_Is503_AndNamesThePart_WhenTheStoreOrTheLegacyAppIsDown));
        await using var context = await sample.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var health = new Uri(sample.FrontDoor, "health").ToString();

        var response = await page.GotoAsync(health);
        Assert.Equal(200, response!.Status);
        await shots.TakeAsync(page, "health-all-up");

        // The store stops: the store's line says so; the legacy app's process still runs.
        Kill("SessionBridge.StateServer.dll");
        response = await page.GotoAsync(health);
        var body = await response!.TextAsync();
        Assert.Equal(503, response.Status);
        Assert.StartsWith("Unhealthy", body, StringComparison.Ordinal);
        Assert.Contains("store: Unhealthy (The session store 'MonoStateServer' does not answer.)", body, StringComparison.Ordinal);
        Assert.Contains("legacy-app: Healthy", body, StringComparison.Ordinal);
        await shots.TakeAsync(page, "health-store-down");

        // Then nginx, in front of the legacy app, stops too.
        Kill("nginx");
        response = await page.GotoAsync(health);
        body = await response!.TextAsync();
        Assert.Equal(503, response.Status);
        Assert.Contains("legacy-app: Unhealthy (nginx has exited)", body, StringComparison.Ordinal);
        await shots.TakeAsync(page, "health-store-and-legacy-down");
    }

    private void Kill(string commandLineContains)
    {
        var (pid, commandLine) = Assert.Single(sample.Children(), c => c.CommandLine.Contains(commandLineContains, StringComparison.Ordinal));
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(30_000);
        TestContext.Current.TestOutputHelper?.WriteLine($"killed {pid}: {commandLine}");
    }
}
