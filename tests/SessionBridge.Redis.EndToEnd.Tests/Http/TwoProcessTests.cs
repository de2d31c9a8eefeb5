using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Redis.EndToEnd.Tests.Http;

/// <summary>Two sample processes on one redis-server, as two servers behind a load balancer.</summary>
public sealed class TwoProcessTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoHundredConcurrentIncrements_SplitAcrossTwoProcesses_CountExactlyTwoHundred()
    {
        using var a = await SampleProcess.StartAsync(fixture.Server.Endpoint, "/two", "--LegacySession:RequestQueueLimit=500");
        using var b = await SampleProcess.StartAsync(fixture.Server.Endpoint, "/two", "--LegacySession:RequestQueueLimit=500");
        var id = SessionId.Create();
        using var clientA = a.CreateClient(id);
        using var clientB = b.CreateClient(id);
        // The session exists before the concurrent requests (a login would renew its id, so the first increment creates it).
        using (var first = await clientA.PostAsync("counter/increment", null, Ct))
        {
            Assert.Equal("1", await first.Content.ReadAsStringAsync(Ct));
        }

        var requests = Enumerable.Range(1, 199).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? clientA : clientB).PostAsync("counter/increment", null, Ct);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
        }).ToList();
        var results = await Task.WhenAll(requests);

        var failures = results.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 199 concurrent increments failed, e.g. {failures.FirstOrDefault()}\nA:\n{a.Output}\nB:\n{b.Output}");
        var counts = results.Select(r => int.Parse(r.Body, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(2, 199), counts);
        Assert.Equal("200", await clientA.GetStringAsync("counter", Ct));
        Assert.Equal("200", await clientB.GetStringAsync("counter", Ct));
        output.WriteLine("200 increments over two processes, 199 of them concurrent: every response distinct, final count 200.");
    }

    [Fact]
    public async Task AProcessKilledWhileHoldingTheLock_TheSessionIsUsableAgainAfterTheLockTtl()
    {
        string[] settings = ["--LegacySession:ExecutionTimeout=00:00:03"];
        using var a = await SampleProcess.StartAsync(fixture.Server.Endpoint, "/killed", settings);
        using var b = await SampleProcess.StartAsync(fixture.Server.Endpoint, "/killed", settings);
        var id = SessionId.Create();
        using var clientA = a.CreateClient(id);
        using var clientB = b.CreateClient(id);
        using (var first = await clientB.PostAsync("counter/increment", null, Ct))
        {
            Assert.Equal("1", await first.Content.ReadAsStringAsync(Ct));
        }

        var slow = clientA.GetAsync("slow?ms=30000", Ct);
        await Wait.UntilAsync(() => fixture.Database.KeyExistsAsync($"{{/killed_{id}}}_WriteLock"), TimeSpan.FromSeconds(30),
            "process A taking the session's lock");
        var ttl = await fixture.Database.KeyTimeToLiveAsync($"{{/killed_{id}}}_WriteLock");
        Assert.True(ttl is null || ttl <= TimeSpan.FromSeconds(3), $"The lock's time to live is {ttl}, not the 3 s ExecutionTimeout.");
        a.Kill();
        await Assert.ThrowsAnyAsync<Exception>(() => slow);

        using var after = await clientB.PostAsync("counter/increment", null, Ct);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("2", await after.Content.ReadAsStringAsync(Ct));
        Assert.Equal("2", await clientB.GetStringAsync("counter", Ct));
    }
}
