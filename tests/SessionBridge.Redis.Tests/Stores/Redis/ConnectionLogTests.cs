using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>"Connected" is logged only once a connection is established; a failed first connect is a warning naming the endpoint and the fix.</summary>
public sealed class ConnectionLogTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private const int ConnectedEvent = 215;
    private const int NotConnectedEvent = 216;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NothingListening_LogsAWarningNamingTheEndpointAndTheFix_AndNeverConnected()
    {
        var port = FreePort();
        var logger = new ListLogger();
        await using var store = Create($"127.0.0.1:{port},connectTimeout=2000", o => o.ReadRetries = 0, logger);

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(SessionId.Create(), exclusive: false, Ct));

        Assert.DoesNotContain(logger.Entries, e => e.Id.Id == ConnectedEvent);
        var warning = Assert.Single(logger.Entries, e => e.Id.Id == NotConnectedEvent);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"127.0.0.1:{port}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("LegacySession:Redis:Configuration", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Check that Redis is running", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARealServer_LogsConnectedOnce_WithItsEndpoint_AndNoWarning()
    {
        var logger = new ListLogger();
        await using var store = Create(fixture, logger: logger);

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(SessionId.Create(), exclusive: false, Ct)).Status);
        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(SessionId.Create(), exclusive: true, Ct)).Status);

        var connected = Assert.Single(logger.Entries, e => e.Id.Id == ConnectedEvent);
        Assert.Equal(LogLevel.Information, connected.Level);
        Assert.Contains(fixture.Server.Configuration.Split(',')[0], connected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Id.Id == NotConnectedEvent);
    }

    [Fact]
    public async Task AnOutageMessage_IsSentencesThatDoNotRunTogether()
    {
        var port = FreePort();
        await using var store = Create($"127.0.0.1:{port},connectTimeout=2000", o => o.ReadRetries = 0);

        var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(SessionId.Create(), exclusive: true, Ct));

        Assert.DoesNotMatch(@"[^.!?)] Check that", error.Message);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
