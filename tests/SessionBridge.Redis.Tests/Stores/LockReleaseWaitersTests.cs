using Microsoft.Extensions.Time.Testing;

namespace SessionBridge.Redis.Tests.Stores;

/// <summary>
/// The waiters of the pub/sub release notifications (Redis store and Redis lock provider), on a fake clock: the
/// wiring to real Redis messages is tested in NotificationTests.
/// </summary>
public sealed class LockReleaseWaitersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Announce_WakesEveryWaiterOfThatSession_AndNoOther()
    {
        var waiters = new LockReleaseWaiters(_clock);
        var first = waiters.WaitAsync("a", TimeSpan.FromSeconds(30), Ct).AsTask();
        var second = waiters.WaitAsync("a", TimeSpan.FromSeconds(30), Ct).AsTask();
        var other = waiters.WaitAsync("b", TimeSpan.FromSeconds(30), Ct).AsTask();

        waiters.Announce("a");

        await Task.WhenAll(first, second);
        Assert.False(other.IsCompleted);
        Assert.Equal(0, waiters.Unclaimed);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await other;
        Assert.Equal(0, waiters.Pending);
    }

    [Fact]
    public async Task AnAnnouncementJustBeforeTheWait_WakesTheWaiterAtOnce()
    {
        var waiters = new LockReleaseWaiters(_clock);
        waiters.Announce("a");
        _clock.Advance(LockReleaseWaiters.UnclaimedWindow);

        var wait = waiters.WaitAsync("a", TimeSpan.FromMinutes(10), Ct).AsTask();

        Assert.True(wait.IsCompleted);
        await wait;
        Assert.Equal(0, waiters.Unclaimed);
        Assert.Equal(0, waiters.Pending);
    }

    [Fact]
    public async Task AnAnnouncementOlderThanTheWindow_DoesNotWakeTheWaiter()
    {
        var waiters = new LockReleaseWaiters(_clock);
        waiters.Announce("a");
        _clock.Advance(LockReleaseWaiters.UnclaimedWindow + TimeSpan.FromTicks(1));

        var wait = waiters.WaitAsync("a", TimeSpan.FromSeconds(5), Ct).AsTask();

        Assert.False(wait.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await wait;
    }

    [Fact]
    public async Task AnAnnouncementWakesOnlyOneLaterWait()
    {
        var waiters = new LockReleaseWaiters(_clock);
        waiters.Announce("a");
        await waiters.WaitAsync("a", TimeSpan.FromMinutes(10), Ct);

        var again = waiters.WaitAsync("a", TimeSpan.FromSeconds(5), Ct).AsTask();

        Assert.False(again.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await again;
    }

    [Fact]
    public async Task AWaitThatIsCancelled_LeavesNothingBehind()
    {
        var waiters = new LockReleaseWaiters(_clock);
        using var cts = new CancellationTokenSource();
        var wait = waiters.WaitAsync("a", TimeSpan.FromMinutes(10), cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(0, waiters.Pending);
    }

    [Fact]
    public async Task WakeAll_WakesEveryWaiter()
    {
        var waiters = new LockReleaseWaiters(_clock);
        var a = waiters.WaitAsync("a", TimeSpan.FromMinutes(10), Ct).AsTask();
        var b = waiters.WaitAsync("b", TimeSpan.FromMinutes(10), Ct).AsTask();

        waiters.WakeAll();

        await Task.WhenAll(a, b);
    }

    [Fact]
    public void UnclaimedAnnouncements_AreBounded_OldOnesForgottenFirst()
    {
        var waiters = new LockReleaseWaiters(_clock);
        for (var i = 0; i < LockReleaseWaiters.MaxUnclaimed; i++)
        {
            waiters.Announce("old" + i);
        }

        _clock.Advance(LockReleaseWaiters.UnclaimedWindow + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            waiters.Announce("new" + i);
        }

        Assert.Equal(10, waiters.Unclaimed);

        // A flood within the window: still bounded.
        for (var i = 0; i < 2 * LockReleaseWaiters.MaxUnclaimed; i++)
        {
            waiters.Announce("flood" + i);
        }

        Assert.InRange(waiters.Unclaimed, 1, LockReleaseWaiters.MaxUnclaimed);
    }
}
