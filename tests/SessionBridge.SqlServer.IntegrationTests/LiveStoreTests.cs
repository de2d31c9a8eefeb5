using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.SqlServer.IntegrationTests;

/// <summary>The SQL Server store against a real session database (run by test.sh when SESSIONBRIDGE_SQLSERVER is set).</summary>
public sealed class LiveStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SessionStateData Session(int valueLength)
    {
        var data = new SessionStateData(20);
        data.Items["Value"] = new string('x', valueLength);
        return data;
    }

    [Fact]
    public async Task Start_ResolvesTheSuffixTheDatabaseAssigns()
    {
        var store = LiveDatabase.Store();
        await store.ResetItemTimeoutAsync(LiveDatabase.NewSessionId(), Ct);

        // dbo.GetHashCode of the lower-cased name, unless the row was there before with another id (then it wins).
        var expected = 5381;
        foreach (var c in LiveDatabase.ApplicationId.ToLowerInvariant())
        {
            expected = unchecked(((expected << 5) + expected) ^ c);
        }

        Assert.Matches("^[0-9a-f]{8}$", store.Suffix);
        Assert.Equal(ApplicationSuffix.FromAppId(expected), store.Suffix);
    }

    [Theory]
    [InlineData(100, 200)]
    [InlineData(100, 9000)]
    [InlineData(9000, 100)]
    [InlineData(9000, 20000)]
    public async Task Session_RoundTrips_AcrossTheShortLongSwitch(int first, int second)
    {
        var store = LiveDatabase.Store();
        var id = LiveDatabase.NewSessionId();
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, Session(first), null, newItem: true, Ct));

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(first, ((string)read.Data!.Items["Value"]!).Length);
        read.Data.Items["Value"] = new string('y', second);
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));

        var row = await LiveDatabase.RowAsync(id + store.Suffix, Ct);
        Assert.NotNull(row);
        var blobLength = SessionStateSerializer.GetSerializedLength(Session(second));
        Assert.Equal(blobLength <= 7000, row.Value.Short is not null);
        Assert.Equal(blobLength > 7000, row.Value.Long is not null);
        Assert.False(row.Value.Locked);

        var again = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(new string('y', second), again.Data!.Items["Value"]);
        await store.RemoveItemAsync(id, again.LockId!, Ct);
        Assert.Null(await LiveDatabase.RowAsync(id + store.Suffix, Ct));
    }

    [Fact]
    public async Task Locks_Cookies_AndStaleWrites()
    {
        var store = LiveDatabase.Store();
        var id = LiveDatabase.NewSessionId();
        await store.SetAndReleaseItemExclusiveAsync(id, Session(10), null, newItem: true, Ct);
        var holder = await store.GetItemAsync(id, exclusive: true, Ct);

        var other = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, other.Status);
        Assert.Equal(holder.LockId, other.LockId);
        Assert.InRange(other.LockAge, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        await store.ReleaseItemExclusiveAsync(id, other.LockId!, Ct); // a steal after ExecutionTimeout
        var thief = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, thief.Status);
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, holder.Data!, holder.LockId, newItem: false, Ct));
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, thief.Data!, thief.LockId, newItem: false, Ct));
        Assert.False(await store.SetAndReleaseItemExclusiveAsync(id, Session(5), null, newItem: true, Ct)); // duplicate key

        var last = await store.GetItemAsync(id, exclusive: true, Ct);
        await store.RemoveItemAsync(id, last.LockId!, Ct);
    }

    [Fact]
    public async Task UninitializedItem_IsReportedOnce()
    {
        var store = LiveDatabase.Store();
        var id = LiveDatabase.NewSessionId();
        await store.CreateUninitializedItemAsync(id, 20, Ct);
        await store.CreateUninitializedItemAsync(id, 20, Ct); // duplicate key: left as it is

        var first = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, first.Actions);
        await store.ReleaseItemExclusiveAsync(id, first.LockId!, Ct);
        var second = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStateActions.None, second.Actions);
        await store.ResetItemTimeoutAsync(id, Ct);
        await store.RemoveItemAsync(id, second.LockId!, Ct);
    }
}
