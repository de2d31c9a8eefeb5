using System.Diagnostics;
using System.Net;
using System.Text;
using SessionBridge.Redis.Tests.Infrastructure;

namespace SessionBridge.Consumer.Tests;

/// <summary>
/// SessionBridge consumed the way a user does: its projects packed into a folder feed, and fresh applications outside
/// the solution (nothing of its build shared) that reference the packages next to other packages.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageConsumerTests
{
    private readonly PackedFeed _feed;

    public PackageConsumerTests(PackedFeed feed) => _feed = feed;

    [Fact]
    public async Task RedisStore_BesideMicrosoftsRedisCache_SharesASession_AndStopsCleanlyOnSigterm()
    {
        using var redis = RedisServer.Start();
        var app = _feed.CreateApp("RedisConsumer");
        Dotnet.Run(app, "build", "-c", "Release", "--nologo");

        var port = RedisServer.FreePort();
        var output = new StringBuilder();
        using var process = Dotnet.Start(app, output, "bin/Release/net10.0/RedisConsumer.dll", "--urls", $"http://127.0.0.1:{port}", "--Redis", redis.Endpoint);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilServingAsync(client, process, output);

            Assert.Equal("ok", await client.GetStringAsync("/cache", TestContext.Current.CancellationToken));
            string? cookie = null;
            for (var expected = 1; expected <= 3; expected++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/increment");
                if (cookie is not null)
                {
                    request.Headers.Add("Cookie", cookie);
                }

                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                cookie ??= response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            }
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
    public void InMemoryOnlyApp_RestoresNeitherStackExchangeRedisNorPolly()
    {
        var app = _feed.CreateApp("InMemoryConsumer");
        Dotnet.Run(app, "restore");

        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"SessionBridge/{_feed.Version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("StackExchange.Redis", assets, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Polly", assets, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task WaitUntilServingAsync(HttpClient client, Process process, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "The app exited before serving.\n" + output);
            try
            {
                using var response = await client.GetAsync("/cache", TestContext.Current.CancellationToken);
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
