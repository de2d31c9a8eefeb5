using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Stores;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Pipeline;

public sealed class LockingTests
{
    [Fact]
    public async Task ConcurrentWriters_OnOneSession_LoseNoUpdate()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.RequestQueueLimit = 200);
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => app.PostAsync("/inc", id)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var values = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(Enumerable.Range(2, 100), values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order());
        Assert.Equal("101", await (await app.GetAsync("/count", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadOnlyRequests_OnOneSession_RunSideBySide()
    {
        var inside = 0;
        var maxInside = 0;
        var bothInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Endpoints.Map(a);
            a.MapGet("/read", async (HttpContext context) =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                if (now == 2)
                {
                    bothInside.TrySetResult();
                }

                // Only a second reader inside at the same time opens this gate; serialized readers would fail here.
                await bothInside.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
                Interlocked.Decrement(ref inside);
                return context.GetLegacySession().GetInt32("Count");
            }).WithLegacySession(LegacySessionBehavior.ReadOnly);
        });
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var responses = await Task.WhenAll(app.GetAsync("/read", id), app.GetAsync("/read", id));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, maxInside);
    }

    [Fact]
    public async Task ReadOnlyRequest_WhileWriterHoldsLock_WaitsAndSeesTheWrite()
    {
        var writerInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseWriter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Endpoints.Map(a);
            a.MapPost("/hold", async (HttpContext context) =>
            {
                context.GetLegacySession()["Count"] = 42;
                writerInside.TrySetResult();
                await releaseWriter.Task;
                return "done";
            });
        });
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var writer = app.PostAsync("/hold", id);
        await writerInside.Task;
        var reader = app.GetAsync("/count", id);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the reader waits for the lock");
        Assert.False(reader.IsCompleted);

        releaseWriter.SetResult();

        Assert.Equal(HttpStatusCode.OK, (await writer).StatusCode);
        Assert.Equal("42", await (await reader).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Writer_WhenLockOlderThanExecutionTimeout_StealsItAndProceeds()
    {
        var time = new FakeTimeProvider();
        await using var app = await TestApp.StartAsync(Endpoints.Map, time: time, inMemory: o => o.LockTimeout = TimeSpan.FromHours(1));
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 5));
        var crashed = await app.Store.GetItemAsync(id, exclusive: true, TestContext.Current.CancellationToken);
        Assert.Equal(SessionStoreStatus.Found, crashed.Status);

        var request = app.PostAsync("/inc", id);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the request waits for the lock");
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(request.IsCompleted);
        await AdvanceUntilCompletedAsync(time, request, TimeSpan.FromSeconds(10));

        var response = await request;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("6", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // The crashed holder's late write is refused: its lock was taken over.
        Assert.False(await app.Store.SetAndReleaseItemExclusiveAsync(id, crashed.Data!, crashed.LockId, newItem: false, TestContext.Current.CancellationToken));
        Assert.Equal(6, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    [Fact]
    public async Task HolderThatNeverReleases_IsOvertaken_AndItsLateChangesAreNotSaved()
    {
        var time = new FakeTimeProvider();
        var hangingInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseHanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Endpoints.Map(a);
            a.MapPost("/hang", async (HttpContext context) =>
            {
                context.GetLegacySession()["Count"] = 1000;
                hangingInside.TrySetResult();
                await releaseHanging.Task;
                return "late";
            });
        }, time: time, inMemory: o => o.LockTimeout = TimeSpan.FromHours(1));
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 1));

        var hanging = app.PostAsync("/hang", id);
        await hangingInside.Task;
        var next = app.PostAsync("/inc", id);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the second request waits");
        await AdvanceUntilCompletedAsync(time, next, TimeSpan.FromSeconds(10));
        Assert.Equal("2", await (await next).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        releaseHanging.SetResult();
        var late = await hanging;

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("took it over", await late.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain("late", await late.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    [Fact]
    public async Task Waiters_BeyondQueueLimit_Get429AtOnce()
    {
        var time = new FakeTimeProvider();
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.RequestQueueLimit = 2, time: time);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 0));
        var holder = await app.Store.GetItemAsync(id, exclusive: true, TestContext.Current.CancellationToken);

        var waiting = new[] { app.PostAsync("/inc", id), app.PostAsync("/inc", id) };
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 2, "two requests wait");
        var refused = await app.PostAsync("/inc", id);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("RequestQueueLimit", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.All(waiting, t => Assert.False(t.IsCompleted));

        await app.Store.ReleaseItemExclusiveAsync(id, holder.LockId!, TestContext.Current.CancellationToken);
        var done = await Task.WhenAll(waiting);
        Assert.All(done, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
    }

    [Fact]
    public async Task CancelledWait_LeavesNoLockAndNoWaiterBehind()
    {
        var time = new FakeTimeProvider();
        await using var app = await TestApp.StartAsync(Endpoints.Map, time: time);
        var id = await Sessions.SeedAsync(app.Store, items: ("Count", 0));
        var holder = await app.Store.GetItemAsync(id, exclusive: true, TestContext.Current.CancellationToken);
        using var disconnect = new CancellationTokenSource();

        var request = app.SendCancellableAsync(HttpMethod.Post, "/inc", id, disconnect.Token);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the request waits");
        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await Eventually.TrueAsync(() => app.Coordinator.WaitingCount == 0, "the waiter is gone");

        await app.Store.ReleaseItemExclusiveAsync(id, holder.LockId!, TestContext.Current.CancellationToken);
        await Sessions.AssertUnlockedAsync(app.Store, id);
        Assert.Equal(0, (await Sessions.ReadAsync(app.Store, id))!.Items["Count"]);
        Assert.Equal("1", await (await app.PostAsync("/inc", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Waiter_IsWokenByRelease_WithoutTheClockMoving()
    {
        // The fake clock never moves, so no poll can fire, and this store has no release notification: only the
        // middleware's own signal wakes the waiter.
        var time = new FakeTimeProvider();
        var writerInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseWriter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Endpoints.Map(a);
            a.MapPost("/hold", async (HttpContext context) =>
            {
                context.GetLegacySession()["Count"] = 10;
                writerInside.TrySetResult();
                await releaseWriter.Task;
                return "done";
            });
        }, time: time, store: new FaultyStore(time));
        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;

        var writer = app.PostAsync("/hold", id);
        await writerInside.Task;
        var waiter = app.PostAsync("/inc", id);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the second writer waits");
        releaseWriter.SetResult();

        Assert.Equal("11", await (await waiter).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await writer).StatusCode);
    }

    private static async Task AdvanceUntilCompletedAsync(FakeTimeProvider time, Task request, TimeSpan step)
    {
        for (var i = 0; i < 1000 && !request.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.True(request.IsCompleted, "The request did not complete as the clock advanced.");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
