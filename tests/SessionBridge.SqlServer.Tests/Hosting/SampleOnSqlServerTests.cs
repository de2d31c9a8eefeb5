using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.SqlServer.Procedures;
using SessionBridge.SqlServer.Tests.Infrastructure;

namespace SessionBridge.SqlServer.Tests.Hosting;

/// <summary>The sample selects the SQL Server store by configuration alone (LegacySession:Store = SqlServer).</summary>
public sealed class SampleOnSqlServerTests
{
    [Fact]
    public async Task Sample_WithStoreSqlServer_KeepsItsSessionsInTheDatabase()
    {
        var database = new FakeAspStateDatabase(new FakeTimeProvider());
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("LegacySession:Store", "SqlServer")
            .UseSetting("LegacySession:SqlServer:ConnectionString", "Data Source=db.invalid;User ID=web;Password=x")
            .UseSetting("LegacySession:SqlServer:ApplicationId", "/LM/W3SVC/1/ROOT/MyApp")
            .ConfigureServices(s => s.AddSingleton<ISqlProcedureExecutor>(database)));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var login = await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var id = SqlServerApp.SessionIdFrom(login)!;
        Assert.True(database.Sessions.ContainsKey(id + StoreUnderTest.MyAppSuffix));

        using var whoami = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        whoami.Headers.Add("Cookie", $"ASP.NET_SessionId={id}");
        var response = await client.SendAsync(whoami, TestContext.Current.CancellationToken);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("alice", json.RootElement.GetProperty("name").GetString());
    }
}
