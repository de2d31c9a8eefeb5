using System.Diagnostics;
using System.Net;
using System.Text;
using SessionBridge.Redis.Tests.Infrastructure;

namespace SessionBridge.Consumer.Tests;

/// <summary>
/// The README's quick start as a newcomer uses it: the <c>csharp</c> block under "## Quick start", pasted verbatim as the
/// Program.cs of a fresh <c>Microsoft.NET.Sdk.Web</c> app that references the packed <c>SessionBridge</c> package, built
/// and run as a real process.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class QuickStartTests
{
    private readonly PackedFeed _feed;

    public QuickStartTests(PackedFeed feed) => _feed = feed;

    [Fact]
    public async Task ReadmeQuickStart_PastedAsProgramCs_BuildsServesTheCartAndHealth_AndStopsCleanlyOnSigterm()
    {
        var program = ExtractQuickStart(File.ReadAllText(Path.Combine(_feed.Repository, "README.md")));
        var app = _feed.CreateApp("QuickStart", program);
        Dotnet.Run(app, "build", "-c", "Release", "--nologo");

        var port = RedisServer.FreePort();
        var output = new StringBuilder();
        using var process = Dotnet.Start(app, output, "bin/Release/net10.0/QuickStart.dll", "--urls", $"http://127.0.0.1:{port}");
        var cancellation = TestContext.Current.CancellationToken;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilServingAsync(client, process, output);

            using (var health = await client.GetAsync("/health", cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(cancellation));
            }

            string? cookie = null;
            for (var i = 0; i < 2; i++)
            {
                using var add = new HttpRequestMessage(HttpMethod.Post, "/cart/add?sku=x");
                if (cookie is not null)
                {
                    add.Headers.Add("Cookie", cookie);
                }

                using var response = await client.SendAsync(add, cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /cart/add answered {(int)response.StatusCode}.\n{output}");
                cookie ??= response.Headers.GetValues("Set-Cookie")
                    .Select(header => header.Split(';')[0])
                    .Single(pair => pair.StartsWith("ASP.NET_SessionId=", StringComparison.Ordinal));
            }

            using var count = new HttpRequestMessage(HttpMethod.Get, "/cart/count");
            count.Headers.Add("Cookie", cookie);
            using var counted = await client.SendAsync(count, cancellation);
            Assert.Equal(HttpStatusCode.OK, counted.StatusCode);
            Assert.Equal("2", await counted.Content.ReadAsStringAsync(cancellation));
        }
        finally
        {
            Dotnet.Terminate(process);
        }

        Assert.True(process.WaitForExit(30_000), "The app did not stop within 30 s of SIGTERM.\n" + output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"The app exited with {process.ExitCode} after SIGTERM.\n{output}");
        Assert.DoesNotContain("Exception", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractQuickStart_TakesTheFirstCsharpBlockUnderTheHeading()
    {
        const string Readme = "# X\n\n```csharp\nnot this\n```\n\n## Quick start\n\nText.\n\n```csharp\nline 1\nline 2\n```\n\n```csharp\nnor this\n```\n";

        Assert.Equal("line 1\nline 2\n", ExtractQuickStart(Readme));
    }

    [Fact]
    public void ExtractQuickStart_WithoutTheBlock_FailsSayingWhatIsMissing()
    {
        var error = Assert.ThrowsAny<Exception>(() => ExtractQuickStart("# X\n\n## Quick start\n\nNo code.\n\n## Next\n\n```csharp\nx\n```\n"));

        Assert.Contains("## Quick start", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The lines of the first <c>```csharp</c> block in the "## Quick start" section, verbatim.</summary>
    internal static string ExtractQuickStart(string readme)
    {
        var lines = readme.ReplaceLineEndings("\n").Split('\n');
        var heading = Array.FindIndex(lines, line => line.TrimEnd() == "## Quick start");
        Assert.True(heading >= 0, "README.md has no \"## Quick start\" heading.");
        var code = new StringBuilder();
        var inBlock = false;
        for (var i = heading + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!inBlock)
            {
                if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    break;
                }

                inBlock = line.TrimEnd() == "```csharp";
                continue;
            }

            if (line.TrimEnd() == "```")
            {
                return code.ToString();
            }

            code.Append(line).Append('\n');
        }

        Assert.Fail("README.md has no complete ```csharp block in its \"## Quick start\" section.");
        return string.Empty;
    }

    private static async Task WaitUntilServingAsync(HttpClient client, Process process, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "The app exited before serving.\n" + output);
            try
            {
                using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
        }

        Assert.Fail("The app did not answer within 60 s.\n" + output);
    }
}
