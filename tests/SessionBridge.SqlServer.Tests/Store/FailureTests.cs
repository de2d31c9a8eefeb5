using SessionBridge.Legacy.Stores;
using SessionBridge.SqlServer.Procedures;
using SessionBridge.SqlServer.Tests.Infrastructure;
using static SessionBridge.SqlServer.Tests.Infrastructure.StoreUnderTest;

namespace SessionBridge.SqlServer.Tests.Store;

/// <summary>System.Web's retry rule (CanRetry), timeouts and errors, on a fake clock.</summary>
public sealed class FailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<StoreUnderTest> StartedAsync(Action<SqlServerStoreOptions>? configure = null)
    {
        var t = new StoreUnderTest(configure);
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);
        return t;
    }

    [Fact]
    public async Task FatalError_WithoutRetryInterval_IsUnavailableAtOnce()
    {
        var t = await StartedAsync();
        t.Database.FailNext(1, number: 10054, severity: 20);
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await t.Store.GetItemAsync(SessionId, true, Ct));
        Assert.Contains("10054", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, t.Database.ClearPoolCalls);
    }

    [Theory]
    [InlineData(10054, 20)] // severity 20: the server closed the connection
    [InlineData(4060, 11)]  // cannot open database
    [InlineData(-2, 11)]    // timeout
    public async Task FatalError_IsRetriedAfterFiveSeconds_ClearingThePoolOnce(int number, byte severity)
    {
        var t = await StartedAsync(o => o.ConnectionRetryInterval = TimeSpan.FromSeconds(10));
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(5), null, true, Ct);
        t.Database.FailNext(2, number, severity);
        var before = t.Database.Commands.Count;

        var get = t.Store.GetItemAsync(SessionId, false, Ct).AsTask();
        await WaitForRetryLogAsync(t, 1);
        Assert.False(get.IsCompleted);
        t.Time.Advance(TimeSpan.FromSeconds(5));     // the first retry waits 5 s
        await WaitForRetryLogAsync(t, 2);
        Assert.False(get.IsCompleted);
        t.Time.Advance(TimeSpan.FromSeconds(1));     // later ones 1 s

        Assert.Equal(SessionStoreStatus.Found, (await get).Status);
        Assert.Equal(3, t.Database.Commands.Count - before);
        Assert.Equal(1, t.Database.ClearPoolCalls);
    }

    [Fact]
    public async Task Retries_StopWhenTheIntervalHasPassed()
    {
        var t = await StartedAsync(o => o.ConnectionRetryInterval = TimeSpan.FromSeconds(2));
        t.Database.FailNext(100, 10054, 20);

        var get = t.Store.GetItemAsync(SessionId, false, Ct).AsTask();
        for (var i = 1; !get.IsCompleted && i < 20; i++)
        {
            await WaitForRetryLogOrCompletionAsync(t, i, get);
            t.Time.Advance(TimeSpan.FromSeconds(i == 1 ? 5 : 1));
        }

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => get);
        // 5 s first wait, then retries every second until 2 s after it: 1 + 1 + 3 attempts at most.
        Assert.InRange(t.Logger.Entries.Count(e => e.Id.Id == 231), 2, 4);
    }

    [Theory]
    [InlineData(1205, 13)] // deadlock victim: not fatal in System.Web's sense
    [InlineData(18456, 14)] // login failed
    public async Task NonFatalErrors_AreNotRetried(int number, byte severity)
    {
        var t = await StartedAsync(o => o.ConnectionRetryInterval = TimeSpan.FromSeconds(10));
        t.Database.FailNext(1, number, severity);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await t.Store.GetItemAsync(SessionId, true, Ct));
        Assert.DoesNotContain(t.Logger.Entries, e => e.Id.Id == 231);
    }

    [Fact]
    public async Task DuplicateKeyOnAnUpdate_IsAnError_NotSwallowed()
    {
        var t = await StartedAsync();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(5), null, true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, true, Ct);
        t.Database.FailNext(1, SqlProcedureException.DuplicateKey, 14);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () =>
            await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data!, read.LockId, false, Ct));
    }

    [Fact]
    public async Task MissingProcedures_SayWhichDatabaseToUse()
    {
        var t = new StoreUnderTest();
        t.Database.HasAspStateProcedures = false;
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await t.Store.GetItemAsync(SessionId, true, Ct));
        Assert.Contains("dbo.TempGetVersion", ex.Message, StringComparison.Ordinal);
        Assert.Contains("aspnet_regsql -ssadd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqlServer7Procedures_AreRefused()
    {
        var t = new StoreUnderTest();
        t.Database.MajorVersion = 7;
        var ex = await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await t.Store.GetItemAsync(SessionId, true, Ct));
        Assert.Contains("major version 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingServer_EndsWithTheCallersCancellation()
    {
        var t = await StartedAsync();
        t.Database.Hang = true;
        using var cts = new CancellationTokenSource();
        var get = t.Store.GetItemAsync(SessionId, true, cts.Token).AsTask();
        Assert.False(get.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
    }

    [Fact]
    public async Task OtherExecutorErrors_AreStoreUnavailable()
    {
        var t = new StoreUnderTest();
        var store = new SqlServerSessionStore(t.Options, new ThrowingExecutor(), t.Time);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await store.GetItemAsync(SessionId, true, Ct));
    }

    private static async Task WaitForRetryLogAsync(StoreUnderTest t, int count)
    {
        while (t.Logger.Entries.Count(e => e.Id.Id == 231) < count)
        {
            await Task.Yield();
        }
    }

    private static async Task WaitForRetryLogOrCompletionAsync(StoreUnderTest t, int count, Task task)
    {
        while (!task.IsCompleted && t.Logger.Entries.Count(e => e.Id.Id == 231) < count)
        {
            await Task.Yield();
        }
    }

    /// <summary>An executor that fails as a pool exhausted outside SQL Server does (not a SqlException).</summary>
    private sealed class ThrowingExecutor : ISqlProcedureExecutor
    {
        public ValueTask<int> ExecuteNonQueryAsync(Microsoft.Data.SqlClient.SqlCommand command, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Timeout expired. The timeout period elapsed prior to obtaining a connection from the pool.");

        public ValueTask<byte[]?> ExecuteBinaryScalarAsync(Microsoft.Data.SqlClient.SqlCommand command, int maxLength, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Timeout expired.");

        public void ClearPool()
        {
        }
    }
}
