using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.SqlServer.Tests.Infrastructure;

namespace SessionBridge.SqlServer.Tests.Hosting;

/// <summary>The store as an application uses it: AddSqlServerStore, configuration, start-up validation, 503 and the health check.</summary>
public sealed class AddSqlServerStoreTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "SqlServer",
            ["LegacySession:SqlServer:ConnectionString"] = "Data Source=127.0.0.1;User ID=web;Password=secret;Encrypt=False",
            ["LegacySession:SqlServer:ApplicationId"] = "/LM/W3SVC/1/ROOT/MyApp",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Requests_ShareTheSessionThroughTheDatabase_UnderTheLegacyKey()
    {
        var database = new FakeAspStateDatabase(new FakeTimeProvider());
        await using var app = await SqlServerApp.StartAsync(Settings(), database);

        var first = await app.SendAsync(HttpMethod.Post, "/count");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var id = SqlServerApp.SessionIdFrom(first)!;
        var second = await app.SendAsync(HttpMethod.Post, "/count", id);
        Assert.Equal("2", await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("2", await (await app.SendAsync(HttpMethod.Get, "/count", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var row = Assert.Single(database.Sessions);
        Assert.Equal(id + StoreUnderTest.MyAppSuffix, row.Key);
        Assert.False(row.Value.Locked);
    }

    [Fact]
    public async Task Configuration_BindsEveryKey()
    {
        var database = new FakeAspStateDatabase(new FakeTimeProvider());
        await using var app = await SqlServerApp.StartAsync(Settings(
            ("LegacySession:SqlServer:ApplicationId", null),
            ("LegacySession:SqlServer:Suffix", "ABCDEF01"),
            ("LegacySession:SqlServer:Compatibility", "AsyncProviderSqlServer"),
            ("LegacySession:SqlServer:AsyncProviderTableName", "Sessions"),
            ("LegacySession:SqlServer:CommandTimeout", "00:00:12"),
            ("LegacySession:SqlServer:ConnectionRetryInterval", "00:00:20"),
            ("LegacySession:SqlServer:MaxItemBytes", "1000000")), database);

        var options = app.App.Services.GetRequiredService<IOptions<SqlServerStoreOptions>>().Value;
        Assert.Equal("ABCDEF01", options.Suffix);
        Assert.Equal(SqlServerCompatibility.AsyncProviderSqlServer, options.Compatibility);
        Assert.Equal("Sessions", options.AsyncProviderTableName);
        Assert.Equal(TimeSpan.FromSeconds(12), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectionRetryInterval);
        Assert.Equal(1_000_000, options.MaxItemBytes);

        database.AsyncTableName = "Sessions";
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Post, "/count")).StatusCode);
        Assert.Equal("Sessions_InsertStateItem", database.Commands[^1].CommandText);
        Assert.Equal(12, database.Commands[^1].CommandTimeout);
    }

    [Theory]
    [InlineData("LegacySession:SqlServer:ConnectionString", null, "LegacySession:SqlServer:ConnectionString is not set")]
    [InlineData("LegacySession:SqlServer:ApplicationId", null, "LegacySession:SqlServer:ApplicationId is not set")]
    [InlineData("LegacySession:SqlServer:ConnectionString", "Data Source=db;Initial Catalog=Other", "AllowCustomSqlDatabase")]
    [InlineData("LegacySession:SqlServer:Suffix", "xyz", "is not 8 hexadecimal digits")]
    [InlineData("LegacySession:SqlServer:CommandTimeout", "00:00:00.5", "LegacySession:SqlServer:CommandTimeout")]
    [InlineData("LegacySession:SqlServer:ConnectionRetryInterval", "-00:00:01", "LegacySession:SqlServer:ConnectionRetryInterval")]
    [InlineData("LegacySession:SqlServer:AsyncProviderTableName", "x;drop", "AsyncProviderTableName")]
    public async Task InvalidSettings_FailAtStart_SayingWhatToSet(string key, string? value, string message)
    {
        var settings = Settings((key, value));
        if (key.EndsWith("Suffix", StringComparison.Ordinal))
        {
            settings["LegacySession:SqlServer:ApplicationId"] = null;
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => SqlServerApp.StartAsync(settings, new FakeAspStateDatabase(new FakeTimeProvider())));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSettings_DoNotStopAnAppThatSelectsAnotherStore()
    {
        await using var app = await SqlServerApp.StartAsync(
            Settings(("LegacySession:Store", "InMemory"), ("LegacySession:SqlServer:ConnectionString", null)), executor: null);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Post, "/count")).StatusCode);
    }

    [Fact]
    public async Task HangingDatabase_Is503WithinStoreTimeout()
    {
        var database = new FakeAspStateDatabase(new FakeTimeProvider());
        await using var app = await SqlServerApp.StartAsync(Settings(("LegacySession:StoreTimeout", "00:00:00.3")), database);
        database.Hang = true;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.SendAsync(HttpMethod.Post, "/count")).StatusCode);
    }

    [Fact]
    public async Task FailingDatabase_Is503_AndTheHealthCheckIsUnhealthy()
    {
        var database = new FakeAspStateDatabase(new FakeTimeProvider());
        await using var app = await SqlServerApp.StartAsync(Settings(), database);
        database.FailNext(10, number: 10054, severity: 20);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.SendAsync(HttpMethod.Post, "/count")).StatusCode);
        var health = await app.SendAsync(HttpMethod.Get, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
