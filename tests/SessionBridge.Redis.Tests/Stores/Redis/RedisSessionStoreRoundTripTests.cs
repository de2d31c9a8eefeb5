using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// Round trips counted with <c>INFO commandstats</c> on a server only this class uses: a read-only request is one
/// script call, an exclusive request (lock + read, then write + release) two. Commands a script runs inside Redis are
/// not round trips, so only script calls (<c>EVAL</c>, <c>EVALSHA</c>, <c>SCRIPT</c>) are counted.
/// </summary>
public sealed class RedisSessionStoreRoundTripTests(RedisServerFixture fixture, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> ScriptCallsAsync()
    {
        // Redis 7 names subcommands "script|load"; count every script-related command.
        var stats = await fixture.CommandStatsAsync();
        return stats.Where(s => s.Key.StartsWith("eval", StringComparison.OrdinalIgnoreCase) || s.Key.StartsWith("script", StringComparison.OrdinalIgnoreCase)
                                || s.Key.StartsWith("fcall", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Value);
    }

    private async Task<(RedisSessionStoreHandle Store, string Id)> WarmAsync()
    {
        var store = Create(fixture);
        var id = SessionId.Create();
        var data = new SessionStateData(20, new SessionStateItemCollection { ["a"] = 1 });
        await store.SetAndReleaseItemExclusiveAsync(id, data, null, newItem: true, Ct);

        // Warm every script once so the client's script cache is what a running application has.
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        await store.SetAndReleaseItemExclusiveAsync(id, locked.Data!, locked.LockId, newItem: false, Ct);
        await store.GetItemAsync(id, exclusive: false, Ct);
        var again = await store.GetItemAsync(id, exclusive: true, Ct);
        await store.ReleaseItemExclusiveAsync(id, again.LockId!, Ct);
        return (new RedisSessionStoreHandle(store), id);
    }

    [Fact]
    public async Task ReadOnlyRequest_IsOneScriptCall()
    {
        var (handle, id) = await WarmAsync();
        await using var _ = handle;
        var before = await ScriptCallsAsync();

        var result = await handle.Store.GetItemAsync(id, exclusive: false, Ct);

        var calls = await ScriptCallsAsync() - before;
        var stats = await fixture.CommandStatsAsync();
        output.WriteLine($"read-only request: {calls} script call(s); totals so far: eval={stats.GetValueOrDefault("eval")}, evalsha={stats.GetValueOrDefault("evalsha")}, script={stats.GetValueOrDefault("script")}");
        Assert.Equal(SessionStoreStatus.Found, result.Status);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ExclusiveRequest_IsTwoScriptCalls()
    {
        var (handle, id) = await WarmAsync();
        await using var _ = handle;
        var before = await ScriptCallsAsync();

        var locked = await handle.Store.GetItemAsync(id, exclusive: true, Ct);
        locked.Data!.Items["a"] = 2;
        var written = await handle.Store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Ct);

        var calls = await ScriptCallsAsync() - before;
        output.WriteLine($"exclusive request: {calls} script call(s)");
        Assert.True(written);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ExclusiveRequestWithoutChanges_IsTwoScriptCalls()
    {
        var (handle, id) = await WarmAsync();
        await using var _ = handle;
        var before = await ScriptCallsAsync();

        var locked = await handle.Store.GetItemAsync(id, exclusive: true, Ct);
        await handle.Store.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct);

        Assert.Equal(2, await ScriptCallsAsync() - before);
    }

    [Fact]
    public async Task FirstUseOfAScript_CostsOneExtraScriptLoad_OnlyOnce()
    {
        // StackExchange.Redis sends a script with EVAL the first time a connection uses it and loads it with SCRIPT LOAD
        // alongside, then uses EVALSHA: one extra command per script and connection, never per request.
        await using var store = Create(fixture);
        var id = SessionId.Create();
        var before = await ScriptCallsAsync();
        await store.GetItemAsync(id, exclusive: false, Ct);
        var first = await ScriptCallsAsync() - before;

        before = await ScriptCallsAsync();
        await store.GetItemAsync(id, exclusive: false, Ct);
        var second = await ScriptCallsAsync() - before;

        output.WriteLine($"first use of the read-only script: {first} script command(s); afterwards: {second}");
        Assert.InRange(first, 1, 2);
        Assert.Equal(1, second);
    }

    /// <summary>Disposes the store asynchronously at the end of a test.</summary>
    private sealed class RedisSessionStoreHandle(SessionBridge.Redis.RedisSessionStore store) : IAsyncDisposable
    {
        public SessionBridge.Redis.RedisSessionStore Store { get; } = store;

        public ValueTask DisposeAsync() => Store.DisposeAsync();
    }
}
