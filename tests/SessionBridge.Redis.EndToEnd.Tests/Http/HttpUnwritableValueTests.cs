using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.Legacy.Format;
using StackExchange.Redis;

namespace SessionBridge.Redis.EndToEnd.Tests.Http;

/// <summary>
/// A value the Redis 2.x–4.x layout cannot encode, stored by an endpoint: a 500 problem naming the key, nothing
/// written, never a 503 (a host with UseLegacySession on a real redis-server).
/// </summary>
public sealed class HttpUnwritableValueTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUnencodableValue_Is500NamingTheKey_AndNothingIsWritten()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "Redis",
            ["LegacySession:ApplicationName"] = "/",
            ["LegacySession:Redis:Configuration"] = fixture.Server.Configuration,
            ["LegacySession:Redis:KeyLayout"] = "V2To4",
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddRedisStore();
        builder.Services.Configure<LegacySessionOptions>(o => o.Types.Map<CoreNode>("LegacyApp.Models.Node, " + ProviderOracle.LegacyAssembly));
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.MapPost("/store", (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            session["Count"] = 2;
            // Node.Tag is typed object: what it holds is only checked when the session is written.
            session["Node"] = new CoreNode { Name = "n", Tag = new Uri("https://example.invalid/") };
            return Results.Text("stored");
        }).WithLegacySession(LegacySessionBehavior.Required);
        await app.StartAsync(Ct);

        var id = SessionId.Create();
        var dataKey = $"{{/_{id}}}_Data";
        await fixture.Database.HashSetAsync(dataKey, [new HashEntry("Count", ProviderOracle.Stored(1))]);
        using var client = Microsoft.AspNetCore.TestHost.HostBuilderTestServerExtensions.GetTestClient(app);
        client.DefaultRequestHeaders.Add("Cookie", $"ASP.NET_SessionId={id}");

        using var response = await client.PostAsync("/store", null, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("'Node'", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var stored = await fixture.Database.HashGetAllAsync(dataKey);
        var only = Assert.Single(stored);
        Assert.Equal("Count", (string?)only.Name);
        Assert.Equal(ProviderOracle.Stored(1), (byte[]?)only.Value);
        Assert.False(await fixture.Database.KeyExistsAsync($"{{/_{id}}}_Write_Lock"));
        await app.StopAsync(Ct);
    }
}
