using LegacySessionFormatException = SessionBridge.Legacy.Format.LegacySessionFormatException;
using SessionStateSerializer = SessionBridge.Legacy.Format.SessionStateSerializer;
using SessionStateActions = SessionBridge.Legacy.Format.SessionStateActions;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Tests.Vectors;
using SessionBridge.SqlServer.Tests.Infrastructure;
using static SessionBridge.SqlServer.Tests.Infrastructure.StoreUnderTest;

namespace SessionBridge.SqlServer.Tests.Store;

/// <summary>Every store operation against the model of the procedures: rows, lock cookies, lock ages, the short/long switch.</summary>
public sealed class StoreOperationTests
{
    private const string Key = SessionId + MyAppSuffix;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_OfAMissingRow_IsNotFound()
    {
        var t = new StoreUnderTest();
        Assert.Equal(SessionStoreStatus.NotFound, (await t.Store.GetItemAsync(SessionId, exclusive: true, Ct)).Status);
        Assert.Equal(SessionStoreStatus.NotFound, (await t.Store.GetItemAsync(SessionId, exclusive: false, Ct)).Status);
    }

    [Fact]
    public async Task NewItem_RoundTrips_AndExclusiveGetTakesTheNextCookie()
    {
        var t = new StoreUnderTest();
        var data = NewSession(10, timeout: 45);
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, data, null, newItem: true, Ct));

        var row = t.Database.Sessions[Key];
        Assert.Equal(1, row.LockCookie);
        Assert.False(row.Locked);
        Assert.Equal(45, row.Timeout);
        Assert.Equal(SessionStateSerializer.Serialize(data), row.Short);
        Assert.Null(row.Long);

        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal("2", read.LockId);
        Assert.Equal(new string('x', 10), read.Data!.Items["Value"]);
        Assert.Equal(45, read.Data.Timeout);
        Assert.True(row.Locked);
    }

    [Fact]
    public async Task SharedGet_ReturnsNoLockId_AndDoesNotLock()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: false, Ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Null(read.LockId);
        Assert.False(t.Database.Sessions[Key].Locked);
        Assert.Equal(1, t.Database.Sessions[Key].LockCookie);
    }

    [Fact]
    public async Task LockedRow_IsReportedWithTheHoldersCookieAndAgeInSeconds()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        var holder = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        t.Time.Advance(TimeSpan.FromSeconds(42.6));

        var exclusive = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        var shared = await t.Store.GetItemAsync(SessionId, exclusive: false, Ct);

        Assert.Equal(SessionStoreStatus.Locked, exclusive.Status);
        Assert.Equal(holder.LockId, exclusive.LockId);
        Assert.Equal(TimeSpan.FromSeconds(42), exclusive.LockAge);
        Assert.Equal(SessionStoreStatus.Locked, shared.Status);
        Assert.Equal(holder.LockId, shared.LockId);
        Assert.Equal("2", t.Database.Sessions[Key].LockCookie.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task LockAge_OverOneYear_IsReportedAsZero()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        t.Database.Sessions[Key].LockDate = t.Time.GetUtcNow().UtcDateTime.AddDays(-400);

        var locked = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Locked, locked.Status);
        Assert.Equal(TimeSpan.Zero, locked.LockAge);
    }

    [Fact]
    public async Task Update_WithTheHoldersCookie_WritesAndUnlocks_WithAStaleCookie_ReportsNotWritten()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        var first = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);

        // The lock is stolen after ExecutionTimeout: released with the holder's cookie, and taken again (cookie 3).
        await t.Store.ReleaseItemExclusiveAsync(SessionId, first.LockId!, Ct);
        var second = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal("3", second.LockId);

        first.Data!.Items["Value"] = "stale";
        Assert.False(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, first.Data, first.LockId, newItem: false, Ct));
        Assert.Contains(t.Logger.Entries, e => e.Id.Id == 233);
        Assert.True(t.Database.Sessions[Key].Locked);

        second.Data!.Items["Value"] = "fresh";
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, second.Data, second.LockId, newItem: false, Ct));
        Assert.False(t.Database.Sessions[Key].Locked);
        Assert.Equal("fresh", (await t.Store.GetItemAsync(SessionId, false, Ct)).Data!.Items["Value"]);
    }

    [Fact]
    public async Task Update_WhenTheServerCountsNoRows_IsReportedWritten_AsSystemWebDoes()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        t.Database.NoCount = true;
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data!, read.LockId, newItem: false, Ct));
    }

    [Fact]
    public async Task ReleaseAndRemove_OnlyWithTheHoldersCookie()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);

        await t.Store.ReleaseItemExclusiveAsync(SessionId, "99", Ct);
        Assert.True(t.Database.Sessions[Key].Locked);
        await t.Store.RemoveItemAsync(SessionId, "99", Ct);
        Assert.True(t.Database.Sessions.ContainsKey(Key));

        await t.Store.RemoveItemAsync(SessionId, read.LockId!, Ct);
        Assert.False(t.Database.Sessions.ContainsKey(Key));
    }

    [Fact]
    public async Task NewItem_LosingTheInsertRace_ReportsNotWritten_AndKeepsTheWinner()
    {
        var t = new StoreUnderTest();
        var winner = NewSession(10);
        winner.Items["Value"] = "winner";
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, winner, null, newItem: true, Ct);

        Assert.False(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(20), null, newItem: true, Ct));
        Assert.Contains(t.Logger.Entries, e => e.Id.Id == 232);
        Assert.Equal("winner", (await t.Store.GetItemAsync(SessionId, false, Ct)).Data!.Items["Value"]);
    }

    [Theory]
    [InlineData(7000, true)]
    [InlineData(7001, false)]
    public async Task Boundary_7000BytesIsShort_7001IsLong(int blobLength, bool expectShort)
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(ValueLengthFor(blobLength)), null, newItem: true, Ct);
        var row = t.Database.Sessions[Key];
        Assert.Equal(expectShort, row.Short is not null);
        Assert.Equal(!expectShort, row.Long is not null);
        Assert.Equal(blobLength, (row.Short ?? row.Long)!.Length);

        var read = await t.Store.GetItemAsync(SessionId, exclusive: false, Ct);
        Assert.Equal(ValueLengthFor(blobLength), ((string)read.Data!.Items["Value"]!).Length);
    }

    [Theory]
    [InlineData(7000, 7001)]
    [InlineData(7001, 7000)]
    [InlineData(100, 50_000)]
    [InlineData(50_000, 100)]
    [InlineData(7001, 8000)]
    [InlineData(6000, 7000)]
    public async Task Switch_BetweenShortAndLong_LeavesOnlyTheNewColumn(int before, int after)
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(ValueLengthFor(before)), null, newItem: true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        read.Data!.Items["Value"] = new string('z', ValueLengthFor(after));
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data, read.LockId, newItem: false, Ct));

        var row = t.Database.Sessions[Key];
        Assert.Equal(after <= 7000, row.Short is not null);
        Assert.Equal(after > 7000, row.Long is not null);
        var again = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal(new string('z', ValueLengthFor(after)), again.Data!.Items["Value"]);

        // And back again, from what this read found.
        again.Data.Items["Value"] = new string('w', ValueLengthFor(before));
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, again.Data, again.LockId, newItem: false, Ct));
        Assert.Equal(before <= 7000, row.Short is not null);
        Assert.Equal(before > 7000, row.Long is not null);
    }

    [Fact]
    public async Task Update_OfDataThisStoreDidNotRead_ClearsTheOtherColumn()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(9000), null, newItem: true, Ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);

        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), read.LockId, newItem: false, Ct));
        Assert.Equal("dbo.TempUpdateStateItemShortNullLong", t.Database.Commands[^1].CommandText);
        Assert.Null(t.Database.Sessions[Key].Long);
    }

    [Fact]
    public async Task UninitializedItem_IsReportedOnce_ThenCleared_AndNeverOverwritesASession()
    {
        var t = new StoreUnderTest();
        await t.Store.CreateUninitializedItemAsync(SessionId, 25, Ct);
        var row = t.Database.Sessions[Key];
        Assert.Equal(1, row.Flags);
        Assert.Equal(1, row.LockCookie);
        Assert.Equal(25, row.Timeout);

        var first = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, first.Actions);
        Assert.Equal(0, first.Data!.Items.Count);
        Assert.Equal(25, first.Data.Timeout);
        await t.Store.ReleaseItemExclusiveAsync(SessionId, first.LockId!, Ct);
        Assert.Equal(SessionStateActions.None, (await t.Store.GetItemAsync(SessionId, exclusive: true, Ct)).Actions);

        // A second CreateUninitializedItem (duplicate key) leaves the session as it is.
        await t.Store.CreateUninitializedItemAsync(SessionId, 99, Ct);
        Assert.Equal(25, t.Database.Sessions[Key].Timeout);
    }

    [Fact]
    public async Task Reads_DoNotCheckExpires_ButSlideIt_UntilTheAgentJobDeletesTheRow()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10, timeout: 1), null, newItem: true, Ct);
        t.Time.Advance(TimeSpan.FromMinutes(30));

        // Expired 29 minutes ago, but no job ran (e.g. SQL Express has no Agent): still served, and its expiry slides.
        var read = await t.Store.GetItemAsync(SessionId, exclusive: false, Ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        Assert.Equal(t.Time.GetUtcNow().UtcDateTime.AddMinutes(1), t.Database.Sessions[Key].Expires);

        t.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, t.Database.DeleteExpiredSessions());
        Assert.Equal(SessionStoreStatus.NotFound, (await t.Store.GetItemAsync(SessionId, exclusive: false, Ct)).Status);
    }

    [Fact]
    public async Task ResetTimeout_SlidesExpires()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10, timeout: 20), null, newItem: true, Ct);
        t.Time.Advance(TimeSpan.FromMinutes(10));
        await t.Store.ResetItemTimeoutAsync(SessionId, Ct);
        Assert.Equal(t.Time.GetUtcNow().UtcDateTime.AddMinutes(20), t.Database.Sessions[Key].Expires);
    }

    [Fact]
    public async Task CorruptRow_IsAFormatError_AndIsLeftUntouched()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        t.Database.Sessions[Key].Short = [1, 2, 3];

        await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await t.Store.GetItemAsync(SessionId, exclusive: false, Ct));
        Assert.Equal([1, 2, 3], t.Database.Sessions[Key].Short);
        Assert.Contains(t.Logger.Entries, e => e.Id.Id == 235);
    }

    [Fact]
    public async Task RowWithNoItem_IsAFormatError()
    {
        var t = new StoreUnderTest();
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(10), null, newItem: true, Ct);
        t.Database.Sessions[Key].Short = null;
        await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await t.Store.GetItemAsync(SessionId, exclusive: false, Ct));
    }

    [Fact]
    public async Task LongItem_OverMaxItemBytes_IsNotLoaded()
    {
        var t = new StoreUnderTest(o => o.MaxItemBytes = 8000);
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(9000), null, newItem: true, Ct);
        await Assert.ThrowsAsync<LegacySessionFormatException>(async () => await t.Store.GetItemAsync(SessionId, exclusive: false, Ct));
    }

    [Fact]
    public async Task Compression_WritesTheRawDeflateFormWithItsTrailingByte()
    {
        var t = new StoreUnderTest(compressed: true);
        var data = NewSession(20_000);
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, data, null, newItem: true, Ct);
        var row = t.Database.Sessions[Key];
        Assert.NotNull(row.Short); // 20,000 'x' deflate to far less than 7,000 bytes: the compressed length decides
        Assert.Equal(0xFF, row.Short[^1]);
        Assert.Equal(data.Items["Value"], (await t.Store.GetItemAsync(SessionId, false, Ct)).Data!.Items["Value"]);
    }

    [Fact]
    public async Task LegacyBlobs_FromTheVectors_AreReadAndWrittenBackByteForByte()
    {
        var count = 0;
        foreach (var vector in VectorFiles.Vectors("session-blobs.json").Where(v => v["container"]!.GetValue<string>() == "sessionState"))
        {
            var blob = Convert.FromHexString(vector["blobHex"]!.GetValue<string>());
            var compressed = vector["compressed"]!.GetValue<bool>();
            count++;
            var t = new StoreUnderTest(compressed: compressed);
            await t.Store.ResetItemTimeoutAsync(SessionId, Ct); // start the store
            t.Database.Sessions[Key] = new FakeAspStateDatabase.Row
            {
                Expires = DateTime.MaxValue, LockCookie = 5, Timeout = 20,
                Short = blob.Length <= 7000 ? blob : null, Long = blob.Length > 7000 ? blob : null,
            };

            var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
            Assert.True(read.Status == SessionStoreStatus.Found, $"vector {vector["name"]}");
            Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data!, read.LockId, newItem: false, Ct));
            var row = t.Database.Sessions[Key];
            Assert.Equal(blob, row.Short ?? row.Long);
        }

        Assert.True(count >= 50, $"only {count} session-state vectors were found");
    }

    [Fact]
    public async Task AsyncProviderSqlServerMode_RoundTripsInItsOneColumn()
    {
        var t = new StoreUnderTest(o => { o.Compatibility = SqlServerCompatibility.AsyncProviderSqlServer; o.ApplicationId = null; o.Suffix = "1234ABCD"; });
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(9000), null, newItem: true, Ct);
        var row = t.Database.AsyncSessions[SessionId + "1234ABCD"];
        Assert.NotNull(row.Long);
        Assert.Null(row.Short);

        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, Ct);
        Assert.Equal("2", read.LockId);
        read.Data!.Items["Value"] = "short now";
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data, read.LockId, newItem: false, Ct));
        Assert.Equal("short now", (await t.Store.GetItemAsync(SessionId, false, Ct)).Data!.Items["Value"]);

        await t.Store.CreateUninitializedItemAsync("bbbbbbbbbbbbbbbbbbbbbbbb", 20, Ct);
        Assert.Equal(SessionStateActions.InitializeItem, (await t.Store.GetItemAsync("bbbbbbbbbbbbbbbbbbbbbbbb", true, Ct)).Actions);
    }

    [Fact]
    public async Task InvalidLockId_IsAnArgumentError()
    {
        var t = new StoreUnderTest();
        await Assert.ThrowsAsync<ArgumentException>(async () => await t.Store.ReleaseItemExclusiveAsync(SessionId, "not-a-cookie", Ct));
    }

    [Fact]
    public async Task TooLongSessionId_IsAnArgumentError()
    {
        var t = new StoreUnderTest();
        await Assert.ThrowsAsync<ArgumentException>(async () => await t.Store.GetItemAsync(new string('a', 81), false, Ct));
    }
}
