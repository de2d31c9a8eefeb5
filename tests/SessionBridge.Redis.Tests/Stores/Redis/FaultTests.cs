using System.Diagnostics;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// Outages against a real redis-server this class kills, freezes and restarts: failures surface as
/// <see cref="SessionStoreUnavailableException"/> (never as a missing session), and the same store instance works again
/// once Redis is back. Durations are written to the test output for the report, never asserted.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RedisSessionStore Create(RedisServer server, Action<RedisSessionStoreOptions>? configure = null) =>
        StoreFactory.Create(server.Configuration + ",connectTimeout=1000,syncTimeout=1000", o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });

    private static SessionStateData Data(int n) => new(20, new SessionStateItemCollection { ["n"] = n });

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> operation)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (SessionStoreUnavailableException) when (attempt < 600)
            {
                await Task.Delay(100, Ct);
            }
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task ServerStopped_EveryOperationFailsAsUnavailable_ThenTheSameStoreRecovers()
    {
        using var server = RedisServer.Start();
        await using var store = Create(server);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, Data(1), null, newItem: true, Ct);
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);

        server.Stop();

        var operations = new (string Name, Func<Task> Run)[]
        {
            ("GetItem (read-only)", async () => await store.GetItemAsync(id, exclusive: false, Ct)),
            ("GetItemExclusive", async () => await store.GetItemAsync(id, exclusive: true, Ct)),
            ("SetAndReleaseItemExclusive", async () => await store.SetAndReleaseItemExclusiveAsync(id, Data(2), locked.LockId, newItem: false, Ct)),
            ("ReleaseItemExclusive", async () => await store.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct)),
            ("RemoveItem", async () => await store.RemoveItemAsync(id, locked.LockId!, Ct)),
            ("ResetItemTimeout", async () => await store.ResetItemTimeoutAsync(id, Ct)),
            ("CreateUninitializedItem", async () => await store.CreateUninitializedItemAsync(id, 20, Ct)),
        };
        foreach (var (name, run) in operations)
        {
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(run);
            output.WriteLine($"server stopped: {name} failed after {watch.ElapsedMilliseconds} ms: {error.Message}");
            Assert.Contains("Redis", error.Message, StringComparison.Ordinal);
        }

        server.Start();

        // The same store instance reconnects on its own (the server restarted empty: it keeps no data).
        var watchRecovery = Stopwatch.StartNew();
        var again = SessionId.Create();
        await EventuallyAsync(async () => await store.SetAndReleaseItemExclusiveAsync(again, Data(3), null, newItem: true, Ct));
        output.WriteLine($"recovered {watchRecovery.ElapsedMilliseconds} ms after the restart");
        var read = await store.GetItemAsync(again, exclusive: true, Ct);
        Assert.Equal(3, read.Data!.Items["n"]);
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(again, Data(4), read.LockId, newItem: false, Ct));
        Assert.Equal(4, (await store.GetItemAsync(again, exclusive: false, Ct)).Data!.Items["n"]);
    }

    [Fact(Timeout = 180_000)]
    public async Task ServerFrozen_OperationsTimeOutAsUnavailable_AndNothingIsPartiallyWritten()
    {
        using var server = RedisServer.Start();
        await using var store = Create(server);
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, Data(1), null, newItem: true, Ct);
        var before = (byte[]?)await admin.GetDatabase().StringGetAsync(StoreFactory.Key(id, "SessionStateItemCollection"));

        server.Pause();
        try
        {
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(id, exclusive: false, Ct));
            output.WriteLine($"server frozen: read-only GetItem failed after {watch.ElapsedMilliseconds} ms (operation timeout 2000 ms): {error.Message}");
            watch.Restart();
            error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(id, exclusive: true, Ct));
            output.WriteLine($"server frozen: GetItemExclusive failed after {watch.ElapsedMilliseconds} ms: {error.Message}");
        }
        finally
        {
            server.Resume();
        }

        // The session is whole: the same bytes, and no lock left behind by the exclusive read that timed out, or one
        // that expires with the lock TTL at the latest.
        var after = (byte[]?)await admin.GetDatabase().StringGetAsync(StoreFactory.Key(id, "SessionStateItemCollection"));
        Assert.Equal(before, after);
        var result = await EventuallyAsync(async () => await store.GetItemAsync(id, exclusive: false, Ct));
        Assert.True(result.Status is SessionStoreStatus.Found or SessionStoreStatus.Locked);
    }

    [Fact(Timeout = 180_000)]
    public async Task HolderThatNeverReleases_SessionIsUsableAgainAfterTheLockTtl()
    {
        using var server = RedisServer.Start();
        await using var crashed = Create(server, o => o.ExecutionTimeout = TimeSpan.FromSeconds(1));
        await using var survivor = Create(server, o => o.ExecutionTimeout = TimeSpan.FromSeconds(1));
        var id = SessionId.Create();
        await survivor.SetAndReleaseItemExclusiveAsync(id, Data(1), null, newItem: true, Ct);
        var abandoned = await crashed.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, abandoned.Status);
        await crashed.DisposeAsync(); // the process is gone; its lock stays until its TTL

        var watch = Stopwatch.StartNew();
        var first = await survivor.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, first.Status);
        SessionStoreResult result;
        var polls = 0;
        do
        {
            await Task.Delay(50, Ct);
            result = await survivor.GetItemAsync(id, exclusive: true, Ct);
            polls++;
        }
        while (result.Status == SessionStoreStatus.Locked && polls < 1200);

        output.WriteLine($"lock TTL 1 s: usable again after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(SessionStoreStatus.Found, result.Status);
        Assert.Equal(1, result.Data!.Items["n"]);
    }

    [Fact(Timeout = 120_000)]
    public async Task RepeatedFailures_OpenTheCircuit_SoCallsFailFast_AndItClosesAfterRecovery()
    {
        using var server = RedisServer.Start();
        await using var store = Create(server, o => o.BreakDuration = TimeSpan.FromSeconds(1));
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, Data(1), null, newItem: true, Ct);
        server.Stop();

        var messages = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.ResetItemTimeoutAsync(id, Ct));
            messages.Add(error.Message);
        }

        Assert.Contains(messages, m => m.Contains("circuit open", StringComparison.Ordinal));
        server.Start();
        await EventuallyAsync(async () => await store.SetAndReleaseItemExclusiveAsync(id, Data(2), null, newItem: true, Ct));
    }
}
