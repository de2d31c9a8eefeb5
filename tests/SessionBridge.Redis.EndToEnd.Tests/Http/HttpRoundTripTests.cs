using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Redis.EndToEnd.Tests.Http;

/// <summary>
/// Redis round trips per HTTP request, counted with <c>INFO commandstats</c> on a server only this class uses: a
/// read-only request is one script call, an exclusive request two.
/// </summary>
public sealed class HttpRoundTripTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Dictionary<string, long>> StatsAsync() => await fixture.CommandStatsAsync();

    private static long ScriptCalls(Dictionary<string, long> stats) =>
        stats.Where(s => s.Key.StartsWith("eval", StringComparison.OrdinalIgnoreCase) || s.Key.StartsWith("script", StringComparison.OrdinalIgnoreCase)
                         || s.Key.StartsWith("fcall", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Value);

    private static string Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(", ", after.Where(a => a.Value != before.GetValueOrDefault(a.Key)).Select(a => $"{a.Key}+{a.Value - before.GetValueOrDefault(a.Key)}"));

    private async Task<HttpClient> WarmAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
    {
        // Every script once (insert, lock + read, write + release, release, read), so the connection's script cache is
        // what a running application has.
        var id = SessionId.Create();
        var client = factory.CreateClient(id);
        foreach (var (method, path) in new[] { ("POST", "counter/increment"), ("POST", "counter/increment"), ("GET", "counter"), ("GET", "slow?ms=0"), ("GET", "counter") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return client;
    }

    [Fact]
    public async Task ReadOnlyRequest_IsOneScriptCall_ExclusiveRequests_AreTwo()
    {
        await using var factory = RedisSampleFactory.Create(fixture.Server.Configuration, "/roundtrips");
        using var client = await WarmAsync(factory);

        var before = await StatsAsync();
        using (var read = await client.GetAsync("counter", Ct))
        {
            Assert.Equal("2", await read.Content.ReadAsStringAsync(Ct));
        }

        var afterRead = await StatsAsync();
        using (var write = await client.PostAsync("counter/increment", null, Ct))
        {
            Assert.Equal("3", await write.Content.ReadAsStringAsync(Ct));
        }

        var afterWrite = await StatsAsync();
        using (var unchanged = await client.GetAsync("slow?ms=0", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        }

        var afterUnchanged = await StatsAsync();

        output.WriteLine($"GET /counter (read-only): {ScriptCalls(afterRead) - ScriptCalls(before)} script call(s) [{Delta(before, afterRead)}]");
        output.WriteLine($"POST /counter/increment (exclusive, writes): {ScriptCalls(afterWrite) - ScriptCalls(afterRead)} script call(s) [{Delta(afterRead, afterWrite)}]");
        output.WriteLine($"GET /slow?ms=0 (exclusive, no change): {ScriptCalls(afterUnchanged) - ScriptCalls(afterWrite)} script call(s) [{Delta(afterWrite, afterUnchanged)}]");
        Assert.Equal(1, ScriptCalls(afterRead) - ScriptCalls(before));
        Assert.Equal(2, ScriptCalls(afterWrite) - ScriptCalls(afterRead));
        Assert.Equal(2, ScriptCalls(afterUnchanged) - ScriptCalls(afterWrite));
    }
}
