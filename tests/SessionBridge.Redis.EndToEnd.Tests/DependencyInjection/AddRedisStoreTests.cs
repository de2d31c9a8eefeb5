using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Redis.EndToEnd.Tests.DependencyInjection;

public sealed class AddRedisStoreTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<RedisSessionStoreOptions>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddLegacySession(configuration.GetSection("LegacySession")).AddRedisStore(configure);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddRedisStore_BindsTheRedisSectionAndTheApplicationName()
    {
        using var provider = Build(new()
        {
            ["LegacySession:ApplicationName"] = "/MyApp",
            ["LegacySession:Redis:Configuration"] = "redis.example:6380,ssl=true",
            ["LegacySession:Redis:KeyLayout"] = "V2To4",
            ["LegacySession:Redis:OperationTimeout"] = "00:00:02",
            ["LegacySession:Redis:ReadRetries"] = "0",
            ["LegacySession:Redis:ProviderVersion"] = "3.0.2.0",
        });

        var options = provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
        Assert.Equal(new Version(3, 0, 2, 0), options.ProviderVersion);

        Assert.Equal("/MyApp", options.ApplicationName);
        Assert.Equal("redis.example:6380,ssl=true", options.Configuration);
        Assert.Equal(RedisKeyLayout.V2To4, options.KeyLayout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.OperationTimeout);
        Assert.Equal(0, options.ReadRetries);
    }

    [Fact]
    public void ExecutionTimeout_ComesFromTheMiddlewareOptions_RoundedUpToWholeSeconds()
    {
        using var provider = Build(new()
        {
            ["LegacySession:ExecutionTimeout"] = "00:00:07.5",
            ["LegacySession:Timeout"] = "45",
            ["LegacySession:Redis:Configuration"] = "localhost",
        });

        var options = provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(8), options.ExecutionTimeout);
        Assert.Equal(TimeSpan.FromMinutes(45), options.SessionTimeout);
    }

    [Fact]
    public void ExecutionTimeout_SetInTheRedisSectionOrInCode_Wins()
    {
        using var fromSection = Build(new()
        {
            ["LegacySession:ExecutionTimeout"] = "00:00:30",
            ["LegacySession:Redis:Configuration"] = "localhost",
            ["LegacySession:Redis:ExecutionTimeout"] = "00:00:20",
        });
        using var fromCode = Build(
            new() { ["LegacySession:ExecutionTimeout"] = "00:00:30", ["LegacySession:Redis:Configuration"] = "localhost" },
            o => o.ExecutionTimeout = TimeSpan.FromSeconds(9));

        Assert.Equal(TimeSpan.FromSeconds(20), fromSection.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value.ExecutionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), fromCode.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value.ExecutionTimeout);
    }

    [Fact]
    public void Validation_WhenRedisIsTheStoreWithoutAConnection_SaysWhatToSet()
    {
        using var provider = Build(new() { ["LegacySession:Store"] = "Redis" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value);

        Assert.Contains("LegacySession:Redis:Configuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppStart_WithRedisSelectedAndNoConnection_FailsWithTheKeyToSet()
    {
        // A host of its own rather than WebApplicationFactory: when startup fails, the factory's deferred host sometimes
        // reports an ObjectDisposedException instead of the startup error.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "Redis",
            ["LegacySession:ApplicationName"] = "/",
            ["LegacySession:Redis:Configuration"] = "",
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddRedisStore();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("LegacySession:Redis:Configuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_ReportsEveryBadSetting_ByItsConfigurationKey()
    {
        using var provider = Build(new()
        {
            ["LegacySession:Redis:Configuration"] = "localhost",
            ["LegacySession:Redis:ExecutionTimeout"] = "00:00:01.5",
            ["LegacySession:Redis:ReadRetries"] = "50",
            ["LegacySession:Redis:BreakDuration"] = "00:00:00.1",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value);

        Assert.Contains("LegacySession:Redis:ExecutionTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LegacySession:Redis:ReadRetries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LegacySession:Redis:BreakDuration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_WhenAnotherStoreIsSelected_IgnoresTheMissingRedisConnection()
    {
        using var provider = Build(new() { ["LegacySession:Store"] = "InMemory" });

        var options = provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;

        Assert.Null(options.Configuration);
    }

    [Fact]
    public void UnknownLockTimeZone_FailsWithTheKeyToFix()
    {
        using var provider = Build(new()
        {
            ["LegacySession:Redis:Configuration"] = "localhost",
            ["LegacySession:Redis:LockTimeZone"] = "Mars/Olympus_Mons",
        });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value);

        Assert.Contains("LegacySession:Redis:LockTimeZone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRedisStore_Twice_RegistersTheStoreOnce_AndKeepsBothConfigureActions()
    {
        var services = new ServiceCollection();
        services.AddLegacySession()
            .AddRedisStore(o => o.Configuration = "first:6379")
            .AddRedisStore(o => o.ApplicationName = "/Second");
        using var provider = services.BuildServiceProvider();

        var registrations = provider.GetServices<LegacySessionStoreRegistration>().Where(r => r.Name == "Redis").ToList();
        var options = provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;

        Assert.Single(registrations);
        Assert.Equal("first:6379", options.Configuration);
        Assert.Equal("/Second", options.ApplicationName);
    }

    [Fact]
    public async Task Store_IsSelectedByTheNameRedis_AndClosesItsConnectionWithTheApp()
    {
        var clientName = "sb-dispose-" + Guid.NewGuid().ToString("N")[..8];
        var factory = RedisSampleFactory.Create($"{fixture.Server.Endpoint},name={clientName}", "/dispose", ("LegacySession:Store", "redis"));
        using (var client = factory.CreateClient(sessionId: null))
        {
            using var response = await client.PostAsync("counter/increment", null, Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var id = RedisSampleFactory.SessionIdFrom(response);
            Assert.True(await fixture.Database.KeyExistsAsync($"{{/dispose_{id}}}_SessionStateItemCollection"), "The sample did not write the session to Redis.");
        }

        Assert.True(await ClientsNamedAsync(clientName) > 0, "The Redis store has no open connection.");

        await factory.DisposeAsync();

        await Wait.UntilAsync(async () => await ClientsNamedAsync(clientName) == 0, TimeSpan.FromSeconds(30),
            "the Redis store's connections closing when the application stopped");
    }

    private async Task<int> ClientsNamedAsync(string name)
    {
        var list = (string)(await fixture.Database.ExecuteAsync("CLIENT", "LIST"))!;
        return list.Split('\n').Count(line => line.Contains($" name={name} ", StringComparison.Ordinal));
    }
}
