using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionBridge.Tests.Pipeline;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_AreSystemWebs()
    {
        var options = new LegacySessionOptions();

        Assert.Equal("ASP.NET_SessionId", options.CookieName);
        Assert.Equal(20, options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(110), options.ExecutionTimeout);
        Assert.Equal(50, options.RequestQueueLimit);
        Assert.Equal(LegacySessionBehavior.Required, options.DefaultBehavior);
        Assert.Equal(Microsoft.AspNetCore.Http.SameSiteMode.Lax, options.CookieSameSite);
        Assert.True(options.RenewIdAfterAbandon);
        Assert.False(options.RejectUnknownIds);
    }

    [Fact]
    public void Configuration_BindsEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacySession:CookieName"] = "Sid",
            ["LegacySession:Timeout"] = "30",
            ["LegacySession:ExecutionTimeout"] = "00:00:45",
            ["LegacySession:DefaultBehavior"] = "ReadOnly",
            ["LegacySession:RequestQueueLimit"] = "7",
            ["LegacySession:RejectUnknownIds"] = "true",
            ["LegacySession:Store"] = "InMemory",
            ["LegacySession:SessionKeys:Theme"] = "String",
        }).Build();
        var services = new ServiceCollection();
        services.AddLegacySession(configuration.GetSection("LegacySession"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LegacySessionOptions>>().Value;

        Assert.Equal("Sid", options.CookieName);
        Assert.Equal(30, options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(45), options.ExecutionTimeout);
        Assert.Equal(LegacySessionBehavior.ReadOnly, options.DefaultBehavior);
        Assert.Equal(7, options.RequestQueueLimit);
        Assert.True(options.RejectUnknownIds);
        Assert.Equal(LegacySessionValueKind.String, options.SessionKeys["theme"]);
    }

    [Theory]
    [InlineData("Timeout", "0", "LegacySession:Timeout")]
    [InlineData("Timeout", "525601", "LegacySession:Timeout")]
    [InlineData("CookieName", "bad name;", "LegacySession:CookieName")]
    [InlineData("ExecutionTimeout", "00:00:00", "LegacySession:ExecutionTimeout")]
    [InlineData("RequestQueueLimit", "0", "LegacySession:RequestQueueLimit")]
    [InlineData("Store", "Nowhere", "LegacySession:Store")]
    public async Task InvalidOptions_FailAtStart_WithAMessageThatSaysWhatToSet(string key, string value, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:" + key] = value });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"));
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLegacySession_CalledTwice_IsHarmless()
    {
        var builder = WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddLegacySession(o => o.Timeout = 30);
        builder.Services.AddLegacySession().AddInMemoryStore();
        await using var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(30, app.Services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.Timeout);
        Assert.Single(app.Services.GetServices<Middleware.LegacySessionMiddleware>());
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void UseLegacySession_WithoutServices_SaysWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = (IDisposable)builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => ((WebApplication)app).UseLegacySession());

        Assert.Contains("AddLegacySession", error.Message, StringComparison.Ordinal);
    }
}
