using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Store;

/// <summary>The client store against our server over real sockets.</summary>
public sealed class StateServerStoreTests : IAsyncDisposable
{
    private const string Id = "aaaaaaaaaaaaaaaaaaaaaaaa";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InProcessServer _server;
    private readonly StateServerSessionStore _store;

    public StateServerStoreTests()
    {
        _server = InProcessServer.Start(_time);
        _store = NewStore(_server.Port);
    }

    public async ValueTask DisposeAsync()
    {
        _store.Dispose();
        await _server.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetExclusive_WhenLockedByOther_ReportsLocked_WithTheLockAge()
    {
        await _store.SetAndReleaseItemExclusiveAsync(Id, Session("alice"), null, newItem: true, Ct);
        var mine = await _store.GetItemAsync(Id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, mine.Status);
        Assert.Equal("2", mine.LockId);
        Assert.Equal("alice", mine.Data!.Items["user"]);

        _time.Advance(TimeSpan.FromSeconds(42));
        using var other = NewStore(_server.Port);
        var theirs = await other.GetItemAsync(Id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, theirs.Status);
        Assert.Equal("2", theirs.LockId);
        Assert.Equal(TimeSpan.FromSeconds(42), theirs.LockAge);
        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(Id, exclusive: false, Ct)).Status);

        // Stealing the lock as System.Web does after ExecutionTimeout: release with the holder's id, then acquire.
        await other.ReleaseItemExclusiveAsync(Id, theirs.LockId!, Ct);
        var stolen = await other.GetItemAsync(Id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, stolen.Status);
        Assert.False(await _store.SetAndReleaseItemExclusiveAsync(Id, Session("lost"), mine.LockId, newItem: false, Ct));
        Assert.True(await other.SetAndReleaseItemExclusiveAsync(Id, Session("bob"), stolen.LockId, newItem: false, Ct));
        Assert.Equal("bob", (await _store.GetItemAsync(Id, exclusive: false, Ct)).Data!.Items["user"]);
    }

    [Fact]
    public async Task SetAndRelease_ReleasesTheLock_AndRemove_DeletesTheSession()
    {
        await _store.SetAndReleaseItemExclusiveAsync(Id, Session("alice"), null, newItem: true, Ct);
        var locked = await _store.GetItemAsync(Id, exclusive: true, Ct);
        Assert.True(await _store.SetAndReleaseItemExclusiveAsync(Id, Session("carol"), locked.LockId, newItem: false, Ct));
        var again = await _store.GetItemAsync(Id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, again.Status);
        Assert.Equal("carol", again.Data!.Items["user"]);
        await _store.RemoveItemAsync(Id, again.LockId!, Ct);
        Assert.Equal(SessionStoreStatus.NotFound, (await _store.GetItemAsync(Id, exclusive: false, Ct)).Status);
    }

    [Fact]
    public async Task CreateUninitialized_ReportsInitializeItemOnce_AndNeverOverwrites()
    {
        await _store.CreateUninitializedItemAsync(Id, 35, Ct);
        var first = await _store.GetItemAsync(Id, exclusive: true, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, first.Actions);
        Assert.Equal(35, first.Data!.Timeout);
        Assert.Equal(0, first.Data.Items.Count);
        var data = Session("dave");
        data.Timeout = 35;
        Assert.True(await _store.SetAndReleaseItemExclusiveAsync(Id, data, first.LockId, newItem: false, Ct));
        await _store.CreateUninitializedItemAsync(Id, 35, Ct);
        var second = await _store.GetItemAsync(Id, exclusive: false, Ct);
        Assert.Equal(SessionStateActions.None, second.Actions);
        Assert.Equal("dave", second.Data!.Items["user"]);
    }

    [Fact]
    public async Task ResetTimeout_SlidesTheExpiry()
    {
        var data = Session("erin");
        data.Timeout = 1;
        await _store.SetAndReleaseItemExclusiveAsync(Id, data, null, newItem: true, Ct);
        _time.Advance(TimeSpan.FromSeconds(50));
        await _store.ResetItemTimeoutAsync(Id, Ct);
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(SessionStoreStatus.Found, (await _store.GetItemAsync(Id, exclusive: false, Ct)).Status);
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(SessionStoreStatus.NotFound, (await _store.GetItemAsync(Id, exclusive: false, Ct)).Status);
        await _store.ResetItemTimeoutAsync(Id, Ct); // a missing session is not an error
    }

    [Fact]
    public async Task HundredConcurrentIncrements_OnOneSession_GiveExactlyHundred()
    {
        await _store.SetAndReleaseItemExclusiveAsync(Id, Counter(0), null, newItem: true, Ct);
        var waits = 0;
        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var result = await _store.GetItemAsync(Id, exclusive: true, Ct);
                if (result.Status == SessionStoreStatus.Locked)
                {
                    Interlocked.Increment(ref waits);
                    await Task.Yield();
                    continue;
                }

                var count = (int)result.Data!.Items["count"]!;
                Assert.True(await _store.SetAndReleaseItemExclusiveAsync(Id, Counter(count + 1), result.LockId, newItem: false, Ct));
                return;
            }
        }, Ct)));
        Assert.Equal(100, (int)(await _store.GetItemAsync(Id, exclusive: false, Ct)).Data!.Items["count"]!);
    }

    [Fact]
    public async Task UnreachableServer_IsStoreUnavailable()
    {
        var port = FreePort();
        using var store = NewStore(port, TimeProvider.System);
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(Id, exclusive: false, Ct));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_IsStoreUnavailable_AfterTheNetworkTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var store = NewStore(port, TimeProvider.System, o => o.NetworkTimeout = TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(Id, exclusive: false, Ct));
        Assert.Contains("network timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheCircuit_AndCallsFailFastAsUnavailable()
    {
        using var store = NewStore(FreePort(), TimeProvider.System, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromMinutes(1);
        });
        var messages = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            messages.Add((await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(Id, exclusive: false, Ct))).Message);
        }

        Assert.Contains(messages, m => m.Contains("circuit open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailedExchanges_AndTheCircuitOpeningAndClosing_AreLogged()
    {
        var port = FreePort();
        var logger = new ListLogger();
        using var store = NewStore(port, _time, o =>
        {
            o.BreakerMinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromMinutes(1);
        }, logger);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(Id, exclusive: false, Ct));
        }

        Assert.Contains(logger.Entries, e => e.Id.Id == 221 && e.Level == LogLevel.Warning && e.Message.Contains($"127.0.0.1:{port}", StringComparison.Ordinal));
        var opened = Assert.Single(logger.Entries, e => e.Id.Id == 222);
        Assert.Contains("60 s", opened.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Id.Id == 223);

        // The server comes up and the break passes: the next call goes through and closes the circuit.
        await using var server = InProcessServer.Start(_time, o => o.Port = port);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(Id, exclusive: false, Ct)).Status);
        Assert.Single(logger.Entries, e => e.Id.Id == 223 && e.Level == LogLevel.Information);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerWithoutAspNetVersion_IsRejectedOnFirstContact()
    {
        using var fake = new TcpListener(IPAddress.Loopback, 0);
        fake.Start();
        var answer = Task.Run(async () =>
        {
            using var client = await fake.AcceptTcpClientAsync(Ct);
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer, Ct);
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), Ct);
            _ = await stream.ReadAsync(buffer, Ct);
        }, Ct);
        using var store = NewStore(((IPEndPoint)fake.LocalEndpoint).Port, TimeProvider.System);
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(Id, exclusive: false, Ct));
        Assert.Contains("X-AspNet-Version", ex.Message, StringComparison.Ordinal);
        store.Dispose();
        await answer;
    }

    [Fact]
    public async Task SeveralServers_SessionsArePartitionedById()
    {
        await using var second = InProcessServer.Start(_time);
        using var store = NewStore(0, _time, o =>
        {
            o.PartitionConnectionStrings.Add($"tcpip=127.0.0.1:{_server.Port}");
            o.PartitionConnectionStrings.Add($"tcpip=127.0.0.1:{second.Port}");
        });
        var ids = Enumerable.Range(0, 40).Select(_ => SessionId.Create()).ToList();
        foreach (var id in ids)
        {
            await store.SetAndReleaseItemExclusiveAsync(id, Session(id), null, newItem: true, Ct);
        }

        foreach (var id in ids)
        {
            Assert.Equal(id, (await store.GetItemAsync(id, exclusive: false, Ct)).Data!.Items["user"]);
        }

        Assert.Equal(40, _server.Engine.Count + second.Engine.Count);
        Assert.True(_server.Engine.Count > 0 && second.Engine.Count > 0, "every session went to one server");
    }

    [Fact]
    public async Task PooledConnectionClosedByTheServer_IsReplacedTransparently()
    {
        await using var server = InProcessServer.Start(TimeProvider.System, o => o.IdleTimeout = TimeSpan.FromMilliseconds(100));
        using var store = NewStore(server.Port, TimeProvider.System, o => o.IdleConnectionTimeout = TimeSpan.FromMinutes(5));
        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(Id, exclusive: false, Ct)).Status);
        while (server.Listener.ConnectionCount > 0)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal(SessionStoreStatus.NotFound, (await store.GetItemAsync(Id, exclusive: false, Ct)).Status);
    }

    [Fact]
    public async Task Ipv6ConnectionString_Works()
    {
        using var store = NewStore(0, _time, o => o.ConnectionString = $"tcpip=[::1]:{_server.Port}");
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(Id, Session("v6"), null, newItem: true, Ct));
        Assert.Equal("v6", (await _store.GetItemAsync(Id, exclusive: false, Ct)).Data!.Items["user"]);
    }

    [Theory]
    [InlineData("127.0.0.1:42424")]
    [InlineData("tcpip=127.0.0.1")]
    [InlineData("tcpip=host:0")]
    [InlineData("tcpip=::1:42424")]
    public void BadConnectionString_SaysTheLegacySyntax(string connectionString)
    {
        var ex = Assert.Throws<ArgumentException>(() => new StateServerSessionStore(new StateServerStoreOptions { ConnectionString = connectionString, ApplicationId = "/LM/W3SVC/1/ROOT/App" }));
        Assert.Contains("tcpip=host:port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingApplicationId_SaysWhatToSet()
    {
        var ex = Assert.Throws<ArgumentException>(() => new StateServerSessionStore(new StateServerStoreOptions()));
        Assert.Contains("AppDomainAppId", ex.Message, StringComparison.Ordinal);
    }

    private StateServerSessionStore NewStore(int port, TimeProvider? time = null, Action<StateServerStoreOptions>? configure = null, ILogger? logger = null)
    {
        var options = new StateServerStoreOptions { ConnectionString = $"tcpip=127.0.0.1:{port}", ApplicationId = "/LM/W3SVC/1/ROOT/MyApp" };
        configure?.Invoke(options);
        return new StateServerSessionStore(options, time ?? _time, logger);
    }

    private static SessionStateData Session(string user)
    {
        var data = new SessionStateData(20);
        data.Items["user"] = user;
        return data;
    }

    private static SessionStateData Counter(int count)
    {
        var data = new SessionStateData(20);
        data.Items["count"] = count;
        return data;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

}
