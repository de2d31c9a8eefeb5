using SessionBridge.SqlServer.Tests.Infrastructure;
using static SessionBridge.SqlServer.Tests.Infrastructure.StoreUnderTest;

namespace SessionBridge.SqlServer.Tests.Store;

/// <summary>
/// The exact commands the store sends: the very SqlCommand objects it built, with System.Web 4.8's procedure names and
/// parameter names, types, sizes and directions (sqlstateclientmanager.cs, SqlStateConnection).
/// </summary>
public sealed class CommandShapeTests
{
    private const string Key = SessionId + MyAppSuffix;

    [Fact]
    public async Task Start_ChecksTheSchemaAndVersion_ThenAsksForTheAppId()
    {
        var t = new StoreUnderTest();
        await t.Store.ResetItemTimeoutAsync(SessionId, TestContext.Current.CancellationToken);

        var c = t.Database.Commands;
        Assert.Equal(4, c.Count);
        AssertProcedure(c[0], "dbo.TempGetVersion");
        Assert.Equal(["@ver Char(10) Output"], Shape(c[0]));
        AssertProcedure(c[1], "dbo.GetMajorVersion");
        Assert.Equal(["@@ver Int Output"], Shape(c[1]));
        AssertProcedure(c[2], "dbo.TempGetAppID");
        Assert.Equal(["@appName VarChar(280) Input", "@appId Int Output"], Shape(c[2]));
        Assert.Equal("/LM/W3SVC/1/ROOT/MyApp", c[2].Parameters["@appName"].Value);
        AssertProcedure(c[3], "dbo.TempResetTimeout");
        Assert.Equal(["@id NVarChar(88) Input"], Shape(c[3]));
        Assert.Equal(Key, c[3].Parameters["@id"].Value);
    }

    [Fact]
    public async Task Start_RunsOnce()
    {
        var t = new StoreUnderTest();
        await t.Store.ResetItemTimeoutAsync(SessionId, TestContext.Current.CancellationToken);
        await t.Store.ResetItemTimeoutAsync(SessionId, TestContext.Current.CancellationToken);
        Assert.Equal(5, t.Database.Commands.Count);
    }

    [Theory]
    [InlineData(false, "dbo.TempGetStateItem3")]
    [InlineData(true, "dbo.TempGetStateItemExclusive3")]
    public async Task Get_SendsTheGetProcedureWithSixParameters(bool exclusive, string procedure)
    {
        var t = new StoreUnderTest();
        await t.Store.GetItemAsync(SessionId, exclusive, TestContext.Current.CancellationToken);

        var command = t.Database.Commands[^1];
        AssertProcedure(command, procedure);
        Assert.Equal(
            ["@id NVarChar(88) Input", "@itemShort VarBinary(7000) Output", "@locked Bit Output", "@lockAge Int Output", "@lockCookie Int Output", "@actionFlags Int Output"],
            Shape(command));
        Assert.Equal(Key, command.Parameters["@id"].Value);
    }

    [Theory]
    [InlineData(7000, "dbo.TempInsertStateItemShort", "@itemShort VarBinary(7000) Input")]
    [InlineData(7001, "dbo.TempInsertStateItemLong", "@itemLong Image(7001) Input")]
    public async Task NewItem_InsertsShortUpTo7000BytesAndLongAbove(int blobLength, string procedure, string itemShape)
    {
        var t = new StoreUnderTest();
        var data = NewSession(ValueLengthFor(blobLength), timeout: 35);
        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, data, null, newItem: true, TestContext.Current.CancellationToken));

        var command = t.Database.Commands[^1];
        AssertProcedure(command, procedure);
        Assert.Equal(["@id NVarChar(88) Input", itemShape, "@timeout Int Input"], Shape(command));
        Assert.Equal(blobLength, ((byte[])command.Parameters[1].Value).Length);
        Assert.Equal(35, command.Parameters["@timeout"].Value);
    }

    [Theory]
    [InlineData(100, 200, "dbo.TempUpdateStateItemShort", "@itemShort VarBinary")]
    [InlineData(9000, 200, "dbo.TempUpdateStateItemShortNullLong", "@itemShort VarBinary")]
    [InlineData(100, 9000, "dbo.TempUpdateStateItemLongNullShort", "@itemLong Image")]
    [InlineData(9000, 9500, "dbo.TempUpdateStateItemLong", "@itemLong Image")]
    public async Task Update_PicksTheProcedureFromTheNewLengthAndTheColumnRead(int readValue, int writeValue, string procedure, string item)
    {
        var t = new StoreUnderTest();
        var ct = TestContext.Current.CancellationToken;
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, NewSession(readValue), null, newItem: true, ct);
        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, ct);
        read.Data!.Items["Value"] = new string('y', writeValue);

        Assert.True(await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data, read.LockId, newItem: false, ct));

        var command = t.Database.Commands[^1];
        AssertProcedure(command, procedure);
        var length = ((byte[])command.Parameters[1].Value).Length;
        Assert.Equal(["@id NVarChar(88) Input", $"{item}({length}) Input", "@timeout Int Input", "@lockCookie Int Input"], Shape(command));
        Assert.Equal(int.Parse(read.LockId!, System.Globalization.CultureInfo.InvariantCulture), command.Parameters["@lockCookie"].Value);
    }

    [Fact]
    public async Task ReleaseRemoveAndUninitialized_SendSystemWebsShapes()
    {
        var t = new StoreUnderTest();
        var ct = TestContext.Current.CancellationToken;
        await t.Store.CreateUninitializedItemAsync(SessionId, 20, ct);
        var uninitialized = t.Database.Commands[^1];
        AssertProcedure(uninitialized, "dbo.TempInsertUninitializedItem");
        var length = ((byte[])uninitialized.Parameters[1].Value).Length;
        Assert.Equal(["@id NVarChar(88) Input", $"@itemShort VarBinary({length}) Input", "@timeout Int Input"], Shape(uninitialized));

        await t.Store.ReleaseItemExclusiveAsync(SessionId, "7", ct);
        AssertProcedure(t.Database.Commands[^1], "dbo.TempReleaseStateItemExclusive");
        Assert.Equal(["@id NVarChar(88) Input", "@lockCookie Int Input"], Shape(t.Database.Commands[^1]));
        Assert.Equal(7, t.Database.Commands[^1].Parameters["@lockCookie"].Value);

        await t.Store.RemoveItemAsync(SessionId, "-3", ct);
        AssertProcedure(t.Database.Commands[^1], "dbo.TempRemoveStateItem");
        Assert.Equal(["@id NVarChar(88) Input", "@lockCookie Int Input"], Shape(t.Database.Commands[^1]));
        Assert.Equal(-3, t.Database.Commands[^1].Parameters["@lockCookie"].Value);
    }

    [Fact]
    public async Task CommandTimeout_IsTheConfiguredWholeSeconds()
    {
        var t = new StoreUnderTest(o => o.CommandTimeout = TimeSpan.FromSeconds(7));
        await t.Store.GetItemAsync(SessionId, true, TestContext.Current.CancellationToken);
        Assert.All(t.Database.Commands, c => Assert.Equal(7, c.CommandTimeout));
    }

    [Fact]
    public async Task ExplicitSuffix_SkipsTempGetAppId()
    {
        var t = new StoreUnderTest(o => { o.ApplicationId = null; o.Suffix = "0badc0de"; });
        await t.Store.ResetItemTimeoutAsync(SessionId, TestContext.Current.CancellationToken);
        Assert.Equal(["dbo.TempGetVersion", "dbo.GetMajorVersion", "dbo.TempResetTimeout"], t.Database.Commands.Select(c => c.CommandText));
        Assert.Equal(SessionId + "0badc0de", t.Database.Commands[^1].Parameters["@id"].Value);
    }

    [Fact]
    public async Task AsyncProviderSqlServerMode_SendsItsOwnProcedures()
    {
        var t = new StoreUnderTest(o => { o.Compatibility = SqlServerCompatibility.AsyncProviderSqlServer; o.ApplicationId = null; o.Suffix = "1234ABCD"; });
        var ct = TestContext.Current.CancellationToken;
        const string key = SessionId + "1234ABCD";

        await t.Store.GetItemAsync(SessionId, exclusive: true, ct);
        AssertProcedure(t.Database.Commands[^1], "GetStateItemExclusive");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@Locked Bit Output", "@LockAge Int Output", "@LockCookie Int Output", "@ActionFlags Int Output"], Shape(t.Database.Commands[^1]));
        Assert.Equal(key, t.Database.Commands[^1].Parameters["@SessionId"].Value);

        await t.Store.GetItemAsync(SessionId, exclusive: false, ct);
        AssertProcedure(t.Database.Commands[^1], "GetStateItem");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@LockAge Int Output", "@Locked Bit Output", "@LockCookie Int Output", "@ActionFlags Int Output"], Shape(t.Database.Commands[^1]));

        var data = NewSession(9000);
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, data, null, newItem: true, ct);
        var length = ((byte[])t.Database.Commands[^1].Parameters["@SessionItemLong"].Value).Length;
        AssertProcedure(t.Database.Commands[^1], "InsertStateItem");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@Timeout Int Input", $"@SessionItemLong VarBinary({length}) Input"], Shape(t.Database.Commands[^1]));

        var read = await t.Store.GetItemAsync(SessionId, exclusive: true, ct);
        await t.Store.SetAndReleaseItemExclusiveAsync(SessionId, read.Data!, read.LockId, newItem: false, ct);
        AssertProcedure(t.Database.Commands[^1], "UpdateStateItem");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@LockCookie Int Input", "@Timeout Int Input", $"@SessionItemLong VarBinary({length}) Input"], Shape(t.Database.Commands[^1]));

        await t.Store.ReleaseItemExclusiveAsync(SessionId, "2", ct);
        AssertProcedure(t.Database.Commands[^1], "ReleaseItemExclusive");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@LockCookie Int Input"], Shape(t.Database.Commands[^1]));

        await t.Store.ResetItemTimeoutAsync(SessionId, ct);
        AssertProcedure(t.Database.Commands[^1], "ResetItemTimeout");
        Assert.Equal(["@SessionId NVarChar(88) Input"], Shape(t.Database.Commands[^1]));

        await t.Store.RemoveItemAsync(SessionId, "2", ct);
        AssertProcedure(t.Database.Commands[^1], "RemoveStateItem");
        Assert.Equal(["@SessionId NVarChar(88) Input", "@LockCookie Int Input"], Shape(t.Database.Commands[^1]));

        await t.Store.CreateUninitializedItemAsync(SessionId, 20, ct);
        AssertProcedure(t.Database.Commands[^1], "InsertUninitializedItem");
        Assert.Equal("@SessionItemLong", Shape(t.Database.Commands[^1])[2].Split(' ')[0]);

        // No start-up procedure: the async provider's database has no aspnet_regsql procedures to check.
        Assert.DoesNotContain(t.Database.Commands, c => c.CommandText.StartsWith("dbo.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AsyncProviderSqlServerMode_PrefixesTheProceduresWithTheConfiguredTable()
    {
        var t = new StoreUnderTest(o => { o.Compatibility = SqlServerCompatibility.AsyncProviderSqlServer; o.AsyncProviderTableName = "MySessions"; });
        t.Database.AsyncTableName = "MySessions";
        await t.Store.GetItemAsync(SessionId, exclusive: true, TestContext.Current.CancellationToken);
        AssertProcedure(t.Database.Commands[^1], "MySessions_GetStateItemExclusive");
    }

    [Fact]
    public async Task AsyncProviderFrameworkCompatMode_UsesTheTempProceduresWithoutTempGetAppId()
    {
        var t = new StoreUnderTest(o => o.Compatibility = SqlServerCompatibility.AsyncProviderFrameworkCompat);
        await t.Store.GetItemAsync(SessionId, exclusive: true, TestContext.Current.CancellationToken);
        Assert.Equal(["dbo.TempGetVersion", "dbo.GetMajorVersion", "dbo.TempGetStateItemExclusive3"], t.Database.Commands.Select(c => c.CommandText));
        var expected = SessionId + ApplicationSuffix.ForAsyncProvider("/LM/W3SVC/1/ROOT/MyApp", AsyncProviderSuffixHash.NetFramework64Bit);
        Assert.Equal(expected, t.Database.Commands[^1].Parameters["@id"].Value);
    }
}
