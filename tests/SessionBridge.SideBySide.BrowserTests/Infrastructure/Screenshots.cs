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
}
