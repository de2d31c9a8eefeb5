using System.Net;
using System.Net.Sockets;
using SessionBridge.Legacy.Stores;
using SessionBridge.SqlServer.Tests.Infrastructure;

namespace SessionBridge.SqlServer.Tests.Hosting;

/// <summary>
/// The production path, Microsoft.Data.SqlClient over real loopback sockets, where no SQL Server can run: a port that
/// refuses connections, and a listener that accepts and never answers.
/// </summary>
public sealed class RealClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RefusedConnection_IsStoreUnavailable_NamingTheFailure()
    {
        var port = ClosedPort();
        var store = new SqlServerSessionStore(new SqlServerStoreOptions
        {
            ConnectionString = $"Data Source=tcp:127.0.0.1,{port};User ID=web;Password=secret;Encrypt=False;Connect Timeout=5",
            ApplicationId = "/LM/W3SVC/1/ROOT/MyApp",
        });

        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(StoreUnderTest.SessionId, true, Ct));
        Assert.Contains("dbo.TempGetVersion", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_Is503WithinStoreTimeout_AndTheHealthCheckReportsIt()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync(Ct));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }, Ct);

        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using (var app = await SqlServerApp.StartAsync(new Dictionary<string, string?>
        {
            ["LegacySession:Store"] = "SqlServer",
            ["LegacySession:StoreTimeout"] = "00:00:01",
            ["LegacySession:SqlServer:ConnectionString"] = $"Data Source=tcp:127.0.0.1,{port};User ID=web;Password=secret;Encrypt=False;Connect Timeout=2",
            ["LegacySession:SqlServer:ApplicationId"] = "/LM/W3SVC/1/ROOT/MyApp",
        }, executor: null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.SendAsync(HttpMethod.Post, "/count")).StatusCode);
            var health = await app.SendAsync(HttpMethod.Get, "/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        silent.Stop();
        await acceptLoop;
        accepted.ForEach(s => s.Dispose());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
