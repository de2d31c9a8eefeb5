using System.Data;
using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer.Procedures;

/// <summary>
/// The commands System.Web 4.8's <c>SqlSessionStateStore</c> sends to the aspnet_regsql session database, with its
/// procedure names and its parameter names, types, sizes and directions (reference source
/// <c>System.Web/State/sqlstateclientmanager.cs</c>, <c>SqlStateConnection</c>; ../spec/sqlserver-mode.md §4.4).
/// </summary>
/// <remarks>
/// <code>
/// dbo.TempGetVersion                 @ver char(10) OUT                      (start: the v2 schema exists)
/// dbo.GetMajorVersion                @@ver int OUT                          (start: 8 or more = lock ages)
/// dbo.TempGetAppID                   @appName varchar(280), @appId int OUT  (start: the application's suffix)
/// dbo.TempGetStateItem3              @id nvarchar(88), @itemShort varbinary(7000) OUT, @locked bit OUT,
/// dbo.TempGetStateItemExclusive3       @lockAge int OUT, @lockCookie int OUT, @actionFlags int OUT; long item as a result set
/// dbo.TempInsertStateItemShort       @id, @itemShort varbinary(n), @timeout int
/// dbo.TempInsertStateItemLong        @id, @itemLong image(n), @timeout int
/// dbo.TempUpdateStateItem{Short, ShortNullLong}   @id, @itemShort varbinary(n), @timeout int, @lockCookie int
/// dbo.TempUpdateStateItem{Long, LongNullShort}    @id, @itemLong image(n), @timeout int, @lockCookie int
/// dbo.TempReleaseStateItemExclusive  @id, @lockCookie int
/// dbo.TempRemoveStateItem            @id, @lockCookie int
/// dbo.TempResetTimeout               @id
/// dbo.TempInsertUninitializedItem    @id, @itemShort varbinary(n), @timeout int
/// </code>
/// n is the blob's length (System.Web sets <c>Size = length</c>). Differences from System.Web: the v2 check calls
/// <c>dbo.TempGetVersion</c> instead of querying <c>sysobjects</c> for it (a missing procedure is error 2812), so every
/// command is a stored procedure; SQL Server 7 (no lock ages) is refused instead of served with lock dates.
/// </remarks>
internal static class AspStateProcedures
{
    public const string TempGetVersion = "dbo.TempGetVersion";
    public const string GetMajorVersion = "dbo.GetMajorVersion";
    public const string TempGetAppId = "dbo.TempGetAppID";
    public const string TempGetStateItem3 = "dbo.TempGetStateItem3";
    public const string TempGetStateItemExclusive3 = "dbo.TempGetStateItemExclusive3";
    public const string TempInsertStateItemShort = "dbo.TempInsertStateItemShort";
    public const string TempInsertStateItemLong = "dbo.TempInsertStateItemLong";
    public const string TempUpdateStateItemShort = "dbo.TempUpdateStateItemShort";
    public const string TempUpdateStateItemShortNullLong = "dbo.TempUpdateStateItemShortNullLong";
    public const string TempUpdateStateItemLong = "dbo.TempUpdateStateItemLong";
    public const string TempUpdateStateItemLongNullShort = "dbo.TempUpdateStateItemLongNullShort";
    public const string TempReleaseStateItemExclusive = "dbo.TempReleaseStateItemExclusive";
    public const string TempRemoveStateItem = "dbo.TempRemoveStateItem";
    public const string TempResetTimeout = "dbo.TempResetTimeout";
    public const string TempInsertUninitializedItem = "dbo.TempInsertUninitializedItem";

    public static SqlCommand GetVersion(int timeoutSeconds)
    {
        var command = Create(TempGetVersion, timeoutSeconds);
        Output(command, "@ver", SqlDbType.Char, 10);
        return command;
    }

    public static SqlCommand MajorVersion(int timeoutSeconds)
    {
        var command = Create(GetMajorVersion, timeoutSeconds);
        Output(command, "@@ver", SqlDbType.Int);
        return command;
    }

    public static SqlCommand GetAppId(string applicationId, int timeoutSeconds)
    {
        var command = Create(TempGetAppId, timeoutSeconds);
        command.Parameters.Add(new SqlParameter("@appName", SqlDbType.VarChar, SqlServerStoreDefaults.AppNameLength) { Value = applicationId });
        Output(command, "@appId", SqlDbType.Int);
        return command;
    }

    public static SqlCommand GetStateItem(string id, bool exclusive, int timeoutSeconds)
    {
        var command = Create(exclusive ? TempGetStateItemExclusive3 : TempGetStateItem3, timeoutSeconds);
        Id(command, id);
        Output(command, "@itemShort", SqlDbType.VarBinary, SqlServerStoreDefaults.ItemShortLength);
        Output(command, "@locked", SqlDbType.Bit);
        Output(command, "@lockAge", SqlDbType.Int);
        Output(command, "@lockCookie", SqlDbType.Int);
        Output(command, "@actionFlags", SqlDbType.Int);
        return command;
    }

    public static SqlCommand Insert(string id, byte[] blob, int timeout, int timeoutSeconds)
    {
        var isShort = blob.Length <= SqlServerStoreDefaults.ItemShortLength;
        var command = Create(isShort ? TempInsertStateItemShort : TempInsertStateItemLong, timeoutSeconds);
        Id(command, id);
        Item(command, blob, isShort);
        Int(command, "@timeout", timeout);
        return command;
    }

    /// <summary>The update procedure for the new blob's length and the column the item was read from (§4.5).</summary>
    public static SqlCommand Update(string id, byte[] blob, int timeout, int lockCookie, StoredColumn readFrom, int timeoutSeconds)
    {
        var isShort = blob.Length <= SqlServerStoreDefaults.ItemShortLength;
        var name = (isShort, readFrom) switch
        {
            (true, StoredColumn.Short) => TempUpdateStateItemShort,
            (true, _) => TempUpdateStateItemShortNullLong,
            (false, StoredColumn.Long) => TempUpdateStateItemLong,
            (false, _) => TempUpdateStateItemLongNullShort,
        };
        var command = Create(name, timeoutSeconds);
        Id(command, id);
        Item(command, blob, isShort);
        Int(command, "@timeout", timeout);
        Int(command, "@lockCookie", lockCookie);
        return command;
    }

    public static SqlCommand Release(string id, int lockCookie, int timeoutSeconds)
    {
        var command = Create(TempReleaseStateItemExclusive, timeoutSeconds);
        Id(command, id);
        Int(command, "@lockCookie", lockCookie);
        return command;
    }

    public static SqlCommand Remove(string id, int lockCookie, int timeoutSeconds)
    {
        var command = Create(TempRemoveStateItem, timeoutSeconds);
        Id(command, id);
        Int(command, "@lockCookie", lockCookie);
        return command;
    }

    public static SqlCommand ResetTimeout(string id, int timeoutSeconds)
    {
        var command = Create(TempResetTimeout, timeoutSeconds);
        Id(command, id);
        return command;
    }

    public static SqlCommand InsertUninitialized(string id, byte[] blob, int timeout, int timeoutSeconds)
    {
        // System.Web always passes the empty session as the short item, whatever its length (a few bytes).
        var command = Create(TempInsertUninitializedItem, timeoutSeconds);
        Id(command, id);
        Item(command, blob, isShort: true);
        Int(command, "@timeout", timeout);
        return command;
    }

    internal static SqlCommand Create(string procedure, int timeoutSeconds) =>
        new(procedure) { CommandType = CommandType.StoredProcedure, CommandTimeout = timeoutSeconds };

    internal static void Output(SqlCommand command, string name, SqlDbType type, int size = 0)
    {
        var parameter = size > 0 ? new SqlParameter(name, type, size) : new SqlParameter(name, type);
        parameter.Direction = ParameterDirection.Output;
        parameter.Value = DBNull.Value;
        command.Parameters.Add(parameter);
    }

    internal static void Int(SqlCommand command, string name, int value) =>
        command.Parameters.Add(new SqlParameter(name, SqlDbType.Int) { Value = value });

    private static void Id(SqlCommand command, string id) =>
        command.Parameters.Add(new SqlParameter("@id", SqlDbType.NVarChar, SqlServerStoreDefaults.IdLength) { Value = id });

    private static void Item(SqlCommand command, byte[] blob, bool isShort) =>
        command.Parameters.Add(isShort
            ? new SqlParameter("@itemShort", SqlDbType.VarBinary, blob.Length) { Value = blob }
            : new SqlParameter("@itemLong", SqlDbType.Image, blob.Length) { Value = blob });
}
