using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Configuration;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores.InMemory;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

/// <summary>
/// <c>LegacySession:LegacyPlatform = Mono</c> through the whole pipeline: Mono's IDs are accepted and kept as presented,
/// new sessions get Mono IDs, and the in-memory store holds Mono's session format.
/// </summary>
public sealed class MonoPlatformTests
{
    // Mono's own CollectionData for { Count = 1 } and { Count = 2 }, as recorded from Mono's System.Web
    // (../shared/vectors/mono-state-server-exchanges.json, steps 1 and 2).
    private const string MonoCount1 = "0100000005436F756E740901000000";
    private const string MonoCount2 = "0100000005436F756E740902000000";

    private const string MonoId = "0EFB13FCD270B431CB7A1B84";

    private static Task<TestApp> StartMonoAsync(Action<InMemorySessionStoreOptions>? inMemory = null) =>
        TestApp.StartAsync(Endpoints.Map, o => o.LegacyPlatform = LegacyPlatform.Mono, inMemory: inMemory);

    private static InMemorySessionStore InMemory(TestApp app) => Assert.IsType<InMemorySessionStore>(app.Store);

    [Fact]
    public async Task ANewSession_GetsAMonoId_AndIsStoredInMonosFormat()
    {
        await using var app = await StartMonoAsync();

        var response = await app.PostAsync("/inc");

        var id = TestApp.SessionIdFrom(response);
        Assert.Matches("^[0-9A-F]{24}$", id);
        Assert.Equal($"ASP.NET_SessionId={id}; path=/; HttpOnly; SameSite=Lax", TestApp.SessionSetCookie(response));
        Assert.Equal(MonoCount1, Convert.ToHexString(InMemory(app).GetStoredBytes(id!)!));
    }

    [Fact]
    public async Task AMonoIdCookie_IsAcceptedAndKept_AndTheWriteIsMonosNextBytes()
    {
        await using var app = await StartMonoAsync();
        await app.PostAsync("/inc", MonoId);
        Assert.Equal(MonoCount1, Convert.ToHexString(InMemory(app).GetStoredBytes(MonoId)!));

        var read = await app.GetAsync("/count", MonoId);
        var increment = await app.PostAsync("/inc", MonoId);

        Assert.Equal("1", await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("2", await increment.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Null(TestApp.SessionSetCookie(increment));
        Assert.Equal(MonoCount2, Convert.ToHexString(InMemory(app).GetStoredBytes(MonoId)!));
        Assert.Null(InMemory(app).GetStoredBytes(MonoId.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("0efb13fcd270b431cb7a1b84")] // lower case: Mono never mints it
    [InlineData("abcdefghijklmnopqrstuvwx")] // a Microsoft id
    [InlineData("0EFB13FCD270B431CB7A1B8")]  // 23 characters
    [InlineData("0EFB13FCD270B431CB7A1B84A")]
    [InlineData("0EFB13FCD270B431CB7A1B8G")]
    public async Task AnIdMonoWouldNotMint_GetsANewMonoId(string presented)
    {
        await using var app = await StartMonoAsync();

        var response = await app.PostAsync("/inc", presented);

        var id = TestApp.SessionIdFrom(response);
        Assert.Matches("^[0-9A-F]{24}$", id);
        Assert.NotEqual(presented, id);
        Assert.Null(InMemory(app).GetStoredBytes(presented));
    }

    [Fact]
    public async Task Abandon_RenewsTheIdWithAMonoId()
    {
        await using var app = await StartMonoAsync();
        await app.PostAsync("/inc", MonoId);

        var response = await app.PostAsync("/abandon", MonoId);

        var renewed = TestApp.SessionIdFrom(response);
        Assert.Matches("^[0-9A-F]{24}$", renewed);
        Assert.NotEqual(MonoId, renewed);
        Assert.Null(InMemory(app).GetStoredBytes(MonoId));
    }

    [Fact]
    public async Task TheStoresDialectOption_OverridesThePlatformsFormat_ButNotItsIds()
    {
        await using var app = await StartMonoAsync(o => o.Dialect = LegacySessionDialect.Microsoft);

        var response = await app.PostAsync("/inc");

        var id = TestApp.SessionIdFrom(response)!;
        Assert.Matches("^[0-9A-F]{24}$", id);
        var stored = InMemory(app).GetStoredBytes(id)!;
        Assert.Equal(1, SessionStateSerializer.Deserialize(stored).Items["Count"]);
        Assert.Throws<LegacySessionFormatException>(() => MonoSessionStateSerializer.Deserialize(stored));
    }

    [Fact]
    public async Task TheDefaultPlatform_KeepsMicrosoftsIdsAndFormat()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        var refused = await app.PostAsync("/inc", MonoId);

        var id = TestApp.SessionIdFrom(refused)!;
        Assert.True(SessionId.IsLegit(id));
        Assert.Equal(1, SessionStateSerializer.Deserialize(InMemory(app).GetStoredBytes(id)!).Items["Count"]);
    }

    [Fact]
    public void Configuration_BindsLegacyPlatform()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:LegacyPlatform"] = "Mono" })
            .Build();
        var services = new ServiceCollection();
        services.AddLegacySession(configuration.GetSection("LegacySession"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(LegacyPlatform.Mono, provider.GetRequiredService<IOptions<LegacySessionOptions>>().Value.LegacyPlatform);
        Assert.Equal(LegacyPlatform.SystemWeb, new LegacySessionOptions().LegacyPlatform);
    }

    [Fact]
    public async Task AnUnknownPlatform_FailsAtStart_SayingWhatToSet()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LegacySession:LegacyPlatform"] = "7" });
        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"));
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("LegacySession:LegacyPlatform '7' is not SystemWeb", error.Message, StringComparison.Ordinal);
    }
}
