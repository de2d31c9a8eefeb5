using Microsoft.Playwright;

namespace SessionBridge.SideBySide.BrowserTests.Infrastructure;

/// <summary>
/// Saves a full-page screenshot of each step as screenshots/&lt;test&gt;/step-NN-&lt;name&gt;.png in the test output
/// folder and writes its path to the test's output.
/// </summary>
public sealed class Screenshots(string test)
{
    private readonly string _folder = Path.Combine(AppContext.BaseDirectory, "screenshots", test);
    private int _step;

    public async Task TakeAsync(IPage page, string name)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, $"step-{++_step:00}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"{page.Url} -> {path}");
    }

    /// <summary>
    /// Runs a test's steps; when one fails, saves a screenshot of every open page (step-NN-failed-…) and writes the
    /// sample's recent output to the test's output, then rethrows.
    /// </summary>
    public async Task RunAsync(IBrowserContext context, SideBySideFixture sample, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            var n = 0;
            foreach (var page in context.Pages)
            {
                try
                {
                    await TakeAsync(page, $"failed-page{++n}");
                }
                catch (PlaywrightException)
                {
                    // The page could not be captured; the output below still tells what happened.
                }
            }

            var lines = sample.Output.Split('\n');
            TestContext.Current.TestOutputHelper?.WriteLine("The sample's last output lines:\n" + string.Join('\n', lines.TakeLast(80)));
            throw;
        }
    }
}
