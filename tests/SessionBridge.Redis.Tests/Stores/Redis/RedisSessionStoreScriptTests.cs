using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>Each script's semantics (../shared/spec/redis-provider-layout.md §1.4), provider 5.x layout.</summary>
public sealed class RedisSessionStoreScriptTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => fixture.Database;

    private static SessionStateData Data(int timeout, params (string Key, object? Value)[] items)
    {
        var collection = new SessionStateItemCollection();
        foreach (var (key, value) in items)
        {
            collection[key] = value;
        }

        return new SessionStateData(timeout, collection);
    }

    private async Task<string> NewSessionAsync(SessionBridge.Redis.RedisSessionStore store, int timeout = 20, params (string Key, object? Value)[] items)
    {
        var id = SessionId.Create();
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, Data(timeout, items), null, newItem: true, Ct));
        return id;
    }

    [Fact]
    public async Task GetExclusive_WhenSessionMissing_ReportsNotFoundAndLeavesNoKeys()
    {
        await using var store = Create(fixture);
        var id = SessionId.Create();

        var result = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.NotFound, result.Status);
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection")));
    }

    [Fact]
    public async Task InsertNew_WritesProviderKeysWithTimeoutInSeconds()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 7, ("UserName", "alice"), ("Count", 3));

        Assert.Equal("420", (string?)await Db.StringGetAsync(Key(id, "SessionTimeout")));
        var blob = (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection"));
        var items = SessionStateSerializer.DeserializeItems(blob!);
        Assert.Equal(["UserName", "Count"], items.Keys);
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds, 400, 420);
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionTimeout")))!.Value.TotalSeconds, 400, 420);
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
    }

    [Fact]
    public async Task GetExclusive_WhenFree_LocksWithLocalTicksAndExecutionTimeoutTtl()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("UTC+3", TimeSpan.FromHours(3), "UTC+3", "UTC+3"));
        await using var store = Create(fixture, o => o.ExecutionTimeout = TimeSpan.FromSeconds(90), timeProvider: clock);
        var id = await NewSessionAsync(store, 20, ("a", 1));

        var result = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Found, result.Status);
        var expectedTicks = new DateTime(2026, 3, 1, 15, 0, 0).Ticks; // local time = UTC+3
        Assert.True(long.Parse(result.LockId!, CultureInfo.InvariantCulture) >= expectedTicks);
        Assert.Equal(result.LockId, (string?)await Db.StringGetAsync(Key(id, "WriteLock")));
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "WriteLock")))!.Value.TotalSeconds, 80, 90);
        Assert.Equal(1, result.Data!.Items["a"]);
        Assert.Equal(20, result.Data.Timeout);
    }

    [Fact]
    public async Task LockTimeZone_MakesLockValuesTheLegacyServersLocalTicks()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc); // e.g. a container on UTC
        var legacyZone = TimeZoneInfo.CreateCustomTimeZone("UTC-5", TimeSpan.FromHours(-5), "UTC-5", "UTC-5");
        await using var store = Create(fixture, o => o.LockTimeZone = legacyZone, timeProvider: clock);
        var id = await NewSessionAsync(store, 20, ("a", 1));

        var ours = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.True(long.Parse(ours.LockId!, CultureInfo.InvariantCulture) >= new DateTime(2026, 3, 1, 7, 0, 0).Ticks);
        Assert.True(long.Parse(ours.LockId!, CultureInfo.InvariantCulture) < new DateTime(2026, 3, 1, 7, 0, 1).Ticks);

        // A legacy server in that zone took a lock 10 seconds ago: its age is 10 seconds, not 5 hours.
        await store.ReleaseItemExclusiveAsync(id, ours.LockId!, Ct);
        await Db.StringSetAsync(Key(id, "WriteLock"), new DateTime(2026, 3, 1, 6, 59, 50).Ticks.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromSeconds(10), (await store.GetItemAsync(id, exclusive: true, Ct)).LockAge);
    }

    [Fact]
    public async Task GetExclusive_WhenLockedByOther_ReportsLockedWithHolderIdAndAgeFromTicks()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        await using var store = Create(fixture, timeProvider: clock);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var holder = new DateTime(2026, 3, 1, 11, 59, 30).Ticks.ToString(CultureInfo.InvariantCulture);
        await Db.StringSetAsync(Key(id, "WriteLock"), holder);

        var result = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Locked, result.Status);
        Assert.Equal(holder, result.LockId);
        Assert.Equal(TimeSpan.FromSeconds(30), result.LockAge);
        Assert.Null(result.Data);
        Assert.Equal(holder, (string?)await Db.StringGetAsync(Key(id, "WriteLock")));
    }

    [Fact]
    public async Task GetExclusive_WhenLockedByOther_StillSlidesBothTtls()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        await Db.StringSetAsync(Key(id, "WriteLock"), "1");
        await Db.KeyExpireAsync(Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));
        await Db.KeyExpireAsync(Key(id, "SessionTimeout"), TimeSpan.FromSeconds(30));

        var result = await store.GetItemAsync(id, exclusive: true, Ct);

        Assert.Equal(SessionStoreStatus.Locked, result.Status);
        Assert.True((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds > 1000);
        Assert.True((await Db.KeyTimeToLiveAsync(Key(id, "SessionTimeout")))!.Value.TotalSeconds > 1000);
    }

    [Fact]
    public async Task GetShared_NeverLocks_AndReportsAWritersLock()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", "x"));

        var free = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStoreStatus.Found, free.Status);
        Assert.Null(free.LockId);
        Assert.Equal("x", free.Data!.Items["a"]);
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));

        var writer = await store.GetItemAsync(id, exclusive: true, Ct);
        var whileLocked = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStoreStatus.Locked, whileLocked.Status);
        Assert.Equal(writer.LockId, whileLocked.LockId);
    }

    [Fact]
    public async Task GetShared_SlidesBothTtlsFromStoredTimeout()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 5, ("a", 1));
        await Db.KeyExpireAsync(Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));
        await Db.KeyExpireAsync(Key(id, "SessionTimeout"), TimeSpan.FromSeconds(30));

        await store.GetItemAsync(id, exclusive: false, Ct);

        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds, 250, 300);
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionTimeout")))!.Value.TotalSeconds, 250, 300);
    }

    [Fact]
    public async Task SetAndRelease_WithOwnLock_WritesReleasesAndUpdatesTimeout()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        locked.Data!.Items["a"] = 2;
        locked.Data.Timeout = 30;

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Ct));

        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
        Assert.Equal("1800", (string?)await Db.StringGetAsync(Key(id, "SessionTimeout")));
        var reread = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(2, reread.Data!.Items["a"]);
        Assert.Equal(30, reread.Data.Timeout);
    }

    [Fact]
    public async Task SetAndRelease_WhenLockIdDoesNotMatch_DropsTheWriteAndReturnsFalse()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        await Db.StringSetAsync(Key(id, "WriteLock"), "12345"); // stolen after ExecutionTimeout and re-taken
        locked.Data!.Items["a"] = 2;

        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data, locked.LockId, newItem: false, Ct));

        Assert.Equal("12345", (string?)await Db.StringGetAsync(Key(id, "WriteLock")));
        await Db.KeyDeleteAsync(Key(id, "WriteLock"));
        Assert.Equal(1, (await store.GetItemAsync(id, exclusive: false, Ct)).Data!.Items["a"]);
    }

    [Fact]
    public async Task SetAndRelease_WhenSessionWasRemoved_DropsTheWrite()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        await Db.KeyDeleteAsync([Key(id, "WriteLock"), Key(id, "SessionStateItemCollection"), Key(id, "SessionTimeout")]);

        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, locked.Data!, locked.LockId, newItem: false, Ct));
        Assert.False(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection")));
    }

    [Fact]
    public async Task SetAndRelease_LockFree_DeletesWhateverLockExists()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        await Db.StringSetAsync(Key(id, "WriteLock"), "999");

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, Data(20, ("a", 5)), lockId: null, newItem: false, Ct));

        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
        Assert.Equal(5, (await store.GetItemAsync(id, exclusive: false, Ct)).Data!.Items["a"]);
    }

    [Fact]
    public async Task InsertNew_OverwritesAndLeavesTheLockAlone()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        await Db.StringSetAsync(Key(id, "WriteLock"), "999");

        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, Data(20, ("b", 2)), null, newItem: true, Ct));

        Assert.Equal("999", (string?)await Db.StringGetAsync(Key(id, "WriteLock")));
        await Db.KeyDeleteAsync(Key(id, "WriteLock"));
        var read = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(["b"], read.Data!.Items.Keys);
    }

    [Fact]
    public async Task Release_OnlyDeletesAMatchingLock_AndSlidesTtls()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);
        await Db.KeyExpireAsync(Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));

        await store.ReleaseItemExclusiveAsync(id, "not-the-lock", Ct);
        Assert.Equal(locked.LockId, (string?)await Db.StringGetAsync(Key(id, "WriteLock")));
        Assert.True((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds > 1000);

        await store.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct);
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
    }

    [Fact]
    public async Task Remove_WithMatchingLock_DeletesAllKeys_AndWithOtherLockDoesNothing()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);

        await store.RemoveItemAsync(id, "other", Ct);
        Assert.True(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection")));

        await store.RemoveItemAsync(id, locked.LockId!, Ct);
        Assert.False(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "SessionTimeout")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
    }

    [Fact]
    public async Task ResetTimeout_SlidesFromStoredTimeout_AndIgnoresMissingSessions()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 10, ("a", 1));
        await Db.KeyExpireAsync(Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));
        await Db.KeyExpireAsync(Key(id, "SessionTimeout"), TimeSpan.FromSeconds(30));

        await store.ResetItemTimeoutAsync(id, Ct);
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds, 550, 600);
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionTimeout")))!.Value.TotalSeconds, 550, 600);

        var missing = SessionId.Create();
        await store.ResetItemTimeoutAsync(missing, Ct);
        Assert.False(await Db.KeyExistsAsync(Key(missing, "SessionStateItemCollection")));
        Assert.False(await Db.KeyExistsAsync(Key(missing, "SessionTimeout")));
    }

    [Fact]
    public async Task ResetTimeout_WithoutStoredTimeout_StoresTheConfiguredOne()
    {
        await using var store = Create(fixture, o => o.SessionTimeout = TimeSpan.FromMinutes(3));
        var id = SessionId.Create();
        await Db.StringSetAsync(Key(id, "SessionStateItemCollection"), SessionStateSerializer.SerializeItems(new SessionStateItemCollection()));

        await store.ResetItemTimeoutAsync(id, Ct);

        Assert.Equal("180", (string?)await Db.StringGetAsync(Key(id, "SessionTimeout")));
        Assert.InRange((await Db.KeyTimeToLiveAsync(Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds, 150, 180);
    }

    [Fact]
    public async Task CreateUninitialized_StoresTheProvidersExactBytes_AndReadsBackAsInitializeItem()
    {
        await using var store = Create(fixture);
        var id = SessionId.Create();
        var vector = Convert.FromHexString((string)Vectors.Blob("redis-v5-uninitialized-item-collection")["blobHex"]!);

        await store.CreateUninitializedItemAsync(id, 15, Ct);

        Assert.Equal(vector, (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection")));
        Assert.Equal("900", (string?)await Db.StringGetAsync(Key(id, "SessionTimeout")));
        var result = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, result.Status);
        Assert.Equal(SessionStateActions.InitializeItem, result.Actions);
        Assert.Equal(0, result.Data!.Items.Count);
        Assert.False(result.Data.Items.Dirty);
        Assert.Equal(15, result.Data.Timeout);
    }

    [Fact]
    public async Task CreateUninitialized_WhenSessionExists_KeepsIt()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));

        await store.CreateUninitializedItemAsync(id, 20, Ct);

        var result = await store.GetItemAsync(id, exclusive: false, Ct);
        Assert.Equal(SessionStateActions.None, result.Actions);
        Assert.Equal(1, result.Data!.Items["a"]);
    }

    [Fact]
    public async Task UnparsableLockValue_ReadsAsAncient_AndCanBeStolen()
    {
        await using var store = Create(fixture);
        var id = await NewSessionAsync(store, 20, ("a", 1));
        await Db.StringSetAsync(Key(id, "WriteLock"), "not-a-tick-count");

        var result = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, result.Status);
        Assert.True(result.LockAge > TimeSpan.FromDays(365 * 100));

        await store.ReleaseItemExclusiveAsync(id, result.LockId!, Ct); // what the module does once lockAge >= executionTimeout
        var stolen = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, stolen.Status);
    }

    [Fact]
    public async Task UnreadableBlob_FailsWithFormatError_LeavesTheBytes_AndReleasesTheLock()
    {
        await using var store = Create(fixture);
        var id = SessionId.Create();
        byte[] garbage = [0x05, 0, 0, 0, 1, 2];
        await Db.StringSetAsync(Key(id, "SessionStateItemCollection"), garbage);

        await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await store.GetItemAsync(id, exclusive: true, Ct));

        Assert.Equal(garbage, (byte[]?)await Db.StringGetAsync(Key(id, "SessionStateItemCollection")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "WriteLock")));
    }

    [Fact]
    public async Task Sessions_OfDifferentApplicationNames_AreSeparate()
    {
        await using var root = Create(fixture);
        await using var other = Create(fixture, o => o.ApplicationName = "/Shop");
        var id = await NewSessionAsync(root, 20, ("a", 1));

        Assert.Equal(SessionStoreStatus.NotFound, (await other.GetItemAsync(id, exclusive: false, Ct)).Status);
        Assert.True(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection")));
        Assert.False(await Db.KeyExistsAsync(Key(id, "SessionStateItemCollection", "/Shop")));
    }

    [Fact]
    public async Task OtherLayoutKeys_AreReportedInTheLog()
    {
        var logger = new ListLogger();
        await using var store = Create(fixture, logger: logger);
        var id = SessionId.Create();
        await Db.HashSetAsync(Key(id, "Data"), "a", "x");

        var result = await store.GetItemAsync(id, exclusive: false, Ct);

        Assert.Equal(SessionStoreStatus.NotFound, result.Status);
        var line = Assert.Single(logger.Entries, e => e.Id.Id == 211);
        Assert.Contains("V2To4", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(id, line.Message, StringComparison.Ordinal);
    }
}
