using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>
/// Lock-release notifications: releasing publishes on the application's channel from inside the script, and a store in
/// another process (its own connection) wakes its waiters. A wait that is never woken would last 10 minutes, so the
/// test timeout catches a missing notification; nothing here measures speed.
/// </summary>
public sealed class NotificationTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Makes the store connect and waits until Redis reports its subscription.</summary>
    internal static async Task WaitUntilSubscribedAsync(RedisSessionStore store, string configuration, string applicationName = "/")
    {
        await store.GetItemAsync(SessionId.Create(), exclusive: false, CancellationToken.None);
        using var probe = await ConnectionMultiplexer.ConnectAsync(configuration);
        var channel = new RedisChannel("SessionBridge:LockReleased:" + applicationName, RedisChannel.PatternMode.Literal);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            foreach (var endpoint in probe.GetEndPoints())
            {
                if (await probe.GetServer(endpoint).SubscriptionSubscriberCountAsync(channel) > 0)
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("The store did not subscribe to its lock-release channel.");
    }

    private async Task<(string Id, SessionStoreResult Locked)> LockedSessionAsync(RedisSessionStore holder)
    {
        var id = SessionId.Create();
        await holder.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["n"] = 1 }), null, newItem: true, Ct);
        return (id, await holder.GetItemAsync(id, exclusive: true, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task SetAndRelease_WakesAllWaitersInAnotherProcess()
    {
        await using var holder = Create(fixture);
        await using var other = Create(fixture);
        await WaitUntilSubscribedAsync(other, fixture.Server.Configuration);
        var (id, locked) = await LockedSessionAsync(holder);

        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(id, exclusive: true, Ct)).Status);
        var first = other.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), Ct).AsTask();
        var second = other.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), Ct).AsTask();
        Assert.False(first.IsCompleted);
        Assert.True(await holder.SetAndReleaseItemExclusiveAsync(id, locked.Data!, locked.LockId, newItem: false, Ct));

        await Task.WhenAll(first, second);
        Assert.Equal(0, other.PendingWaiters);
        Assert.Equal(SessionStoreStatus.Found, (await other.GetItemAsync(id, exclusive: true, Ct)).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReleaseAndRemove_WakeWaiters()
    {
        await using var holder = Create(fixture);
        await using var other = Create(fixture);
        await WaitUntilSubscribedAsync(other, fixture.Server.Configuration);

        var (released, lock1) = await LockedSessionAsync(holder);
        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(released, exclusive: false, Ct)).Status);
        var wait1 = other.WaitForReleaseAsync(released, TimeSpan.FromMinutes(10), Ct).AsTask();
        await holder.ReleaseItemExclusiveAsync(released, lock1.LockId!, Ct);
        await wait1;

        var (removed, lock2) = await LockedSessionAsync(holder);
        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(removed, exclusive: true, Ct)).Status);
        var wait2 = other.WaitForReleaseAsync(removed, TimeSpan.FromMinutes(10), Ct).AsTask();
        await holder.RemoveItemAsync(removed, lock2.LockId!, Ct);
        await wait2;
    }

    [Fact(Timeout = 60_000)]
    public async Task AReleaseOfAnotherSession_DoesNotWakeTheWaiter()
    {
        var clock = new FakeTimeProvider();
        await using var holder = Create(fixture);
        await using var other = Create(fixture, timeProvider: clock);
        await WaitUntilSubscribedAsync(other, fixture.Server.Configuration);
        var (waitedFor, _) = await LockedSessionAsync(holder);
        var (releasedOther, lockOther) = await LockedSessionAsync(holder);

        await other.GetItemAsync(waitedFor, exclusive: true, Ct);
        await other.GetItemAsync(releasedOther, exclusive: true, Ct);
        var wait = other.WaitForReleaseAsync(waitedFor, TimeSpan.FromSeconds(30), Ct).AsTask();
        var control = other.WaitForReleaseAsync(releasedOther, TimeSpan.FromSeconds(30), Ct).AsTask();
        await holder.ReleaseItemExclusiveAsync(releasedOther, lockOther.LockId!, Ct);
        await control; // the other session's message has arrived and been dispatched

        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(30));
        await wait;
    }

    [Fact(Timeout = 60_000)]
    public async Task AReleaseAnnouncedBeforeTheWaiterRegisters_StillWakesIt()
    {
        await using var holder = Create(fixture);
        await using var other = Create(fixture);
        await WaitUntilSubscribedAsync(other, fixture.Server.Configuration);
        var (id, locked) = await LockedSessionAsync(holder);

        // The waiter's read sees the lock; the release and its message come before the waiter registers.
        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(id, exclusive: true, Ct)).Status);
        await holder.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct);
        await WaitUntilAsync(() => other.UnclaimedReleases == 1);

        await other.WaitForReleaseAsync(id, TimeSpan.FromMinutes(10), Ct); // would sleep the 10 minutes if missed
        Assert.Equal(0, other.UnclaimedReleases);
        Assert.Equal(0, other.PendingWaiters);
    }

    [Fact(Timeout = 60_000)]
    public async Task AnOldUnclaimedRelease_DoesNotWakeALaterWaiter()
    {
        var clock = new FakeTimeProvider();
        await using var holder = Create(fixture);
        await using var other = Create(fixture, timeProvider: clock);
        await WaitUntilSubscribedAsync(other, fixture.Server.Configuration);
        var (id, locked) = await LockedSessionAsync(holder);
        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(id, exclusive: true, Ct)).Status);
        await holder.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct);
        await WaitUntilAsync(() => other.UnclaimedReleases == 1);

        clock.Advance(TimeSpan.FromSeconds(2)); // older than the window: it says nothing about a read made now
        var wait = other.WaitForReleaseAsync(id, TimeSpan.FromSeconds(30), Ct).AsTask();

        Assert.False(wait.IsCompleted);
        Assert.Equal(0, other.UnclaimedReleases);
        clock.Advance(TimeSpan.FromSeconds(30));
        await wait;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, Ct);
        }
    }

    [Fact]
    public async Task Release_PublishesOnlyWhenARequestFoundTheSessionLocked()
    {
        await using var holder = Create(fixture);
        await using var other = Create(fixture);
        var (id, locked) = await LockedSessionAsync(holder);
        var (contended, contendedLock) = await LockedSessionAsync(holder);
        await holder.ReleaseItemExclusiveAsync(id, locked.LockId!, Ct); // warm the script

        var before = (await fixture.CommandStatsAsync()).GetValueOrDefault("publish");
        var relocked = await holder.GetItemAsync(id, exclusive: true, Ct);
        await holder.ReleaseItemExclusiveAsync(id, relocked.LockId!, Ct);
        var uncontended = (await fixture.CommandStatsAsync()).GetValueOrDefault("publish") - before;

        Assert.Equal(SessionStoreStatus.Locked, (await other.GetItemAsync(contended, exclusive: false, Ct)).Status);
        Assert.True(await fixture.Database.KeyExistsAsync(StoreFactory.Key(contended, "SessionBridgeWaiting")));
        before = (await fixture.CommandStatsAsync()).GetValueOrDefault("publish");
        await holder.ReleaseItemExclusiveAsync(contended, contendedLock.LockId!, Ct);
        var withWaiter = (await fixture.CommandStatsAsync()).GetValueOrDefault("publish") - before;

        Assert.Equal(0, uncontended);
        Assert.Equal(1, withWaiter);
        Assert.False(await fixture.Database.KeyExistsAsync(StoreFactory.Key(contended, "SessionBridgeWaiting")));
    }

    [Fact]
    public async Task Wait_WithoutRelease_EndsAfterMaxWait_OnTheInjectedClock()
    {
        var clock = new FakeTimeProvider();
        await using var store = Create(fixture, timeProvider: clock);

        var wait = store.WaitForReleaseAsync(SessionId.Create(), TimeSpan.FromSeconds(5), Ct).AsTask();
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));

        await wait;
        Assert.Equal(0, store.PendingWaiters);
    }

    [Fact]
    public async Task Wait_IsCancellable()
    {
        await using var store = Create(fixture);
        using var cts = new CancellationTokenSource();
        var wait = store.WaitForReleaseAsync(SessionId.Create(), TimeSpan.FromMinutes(10), cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(0, store.PendingWaiters);
    }
}
