using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.StateServer.EndToEnd.Tests.Middleware;

/// <summary><c>.AddStateServerStore()</c>: binding, validation at start, registration.</summary>
public sealed class AddStateServerStoreTests
{
    [Fact]
    public void Options_BindFromLegacySessionStateServer_WithSha256ByDefault()
    {
        using var factory = SampleOnStateServer.Create("tcpip=127.0.0.1:42425", new Dictionary<string, string> { ["LegacySession:StateServer:NetworkTimeout"] = "00:00:03" });

        var options = factory.Services.GetRequiredService<IOptions<StateServerStoreOptions>>().Value;

        Assert.Equal("tcpip=127.0.0.1:42425", options.ConnectionString);
        Assert.Equal(SampleOnStateServer.ApplicationId, options.ApplicationId);
        Assert.Equal(TimeSpan.FromSeconds(3), options.NetworkTimeout);
        Assert.Equal(StateServerKeyScheme.Sha256, options.KeyScheme);
    }

    [Theory]
    [InlineData("LegacySession:StateServer:ApplicationId", "", "LegacySession:StateServer:ApplicationId is not set")]
    [InlineData("LegacySession:StateServer:ConnectionString", "10.0.0.5:42424", "use the legacy syntax tcpip=host:port")]
    [InlineData("LegacySession:StateServer:NetworkTimeout", "00:00:00", "LegacySession:StateServer:NetworkTimeout")]
    [InlineData("LegacySession:StateServer:KeyScheme", "MachineKey", "LegacySession:StateServer:ValidationKey is not set")]
    [InlineData("LegacySession:StateServer:BreakerMinimumThroughput", "1", "LegacySession:StateServer:BreakerMinimumThroughput is 1; set at least 2")]
    [InlineData("LegacySession:StateServer:BreakDuration", "00:00:00.1", "LegacySession:StateServer:BreakDuration is 00:00:00.1000000")]
    [InlineData("LegacySession:StateServer:IdleConnectionTimeout", "00:00:00", "LegacySession:StateServer:IdleConnectionTimeout")]
    public async Task Start_WithABadSetting_FailsWithAMessageSayingWhatToSet(string key, string value, string message)
    {
        // A host of its own rather than WebApplicationFactory: when startup fails, the factory's deferred host sometimes
        // reports an ObjectDisposedException instead of the startup error.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "StateServer",
            ["LegacySession:StateServer:ConnectionString"] = "tcpip=127.0.0.1:42425",
            ["LegacySession:StateServer:ApplicationId"] = SampleOnStateServer.ApplicationId,
            [key] = value,
        });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession")).AddStateServerStore();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenAnotherStoreIsSelected_DoesNotValidateTheStateServerOptions()
    {
        using var factory = SampleOnStateServer.Create("not a connection string", new Dictionary<string, string>
        {
            ["LegacySession:Store"] = "InMemory",
            ["LegacySession:StateServer:ApplicationId"] = "",
        });

        using var client = factory.CreateClient();
        var response = await client.PostAsync("/counter/increment", null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AddStateServerStore_Twice_RegistersOneStore_AndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddLegacySession()
            .AddStateServerStore(o => o.ApplicationId = "/LM/W3SVC/1/ROOT/A")
            .AddStateServerStore(o => o.ConnectionString = "tcpip=127.0.0.1:42426");

        using var provider = services.BuildServiceProvider();
        var registrations = provider.GetServices<SessionBridge.LegacySessionStoreRegistration>().Where(r => r.Name == "StateServer").ToList();
        var options = provider.GetRequiredService<IOptions<StateServerStoreOptions>>().Value;

        Assert.Single(registrations);
        Assert.Equal("/LM/W3SVC/1/ROOT/A", options.ApplicationId);
        Assert.Equal("tcpip=127.0.0.1:42426", options.ConnectionString);
        var store = registrations[0].Factory(provider);
        Assert.IsType<StateServerSessionStore>(store);
        ((IDisposable)store).Dispose();
    }
}
