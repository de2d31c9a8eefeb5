using System.Data;
using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer.Procedures;

/// <summary>
/// The commands Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync sends in its <c>SqlServer</c> repository
/// mode (aspnet/AspNetSessionState <c>SqlSessionStateRepository.cs</c> and <c>SqlParameterCollectionExtension.cs</c>,
/// ../spec/sqlserver-mode.md §4.7): its own procedures over one <c>varbinary(max)</c> item column, named after the
/// configured table (<c>&lt;table&gt;_GetStateItem</c>) when the provider's <c>sessionTableName</c> is set.
/// </summary>
/// <remarks>
/// <code>
/// GetStateItemExclusive   @SessionId nvarchar(88), @Locked bit OUT, @LockAge int OUT, @LockCookie int OUT, @ActionFlags int OUT
/// GetStateItem            @SessionId, @LockAge int OUT, @Locked bit OUT, @LockCookie int OUT, @ActionFlags int OUT
///                         (both return the item as a one-row result set)
/// InsertStateItem         @SessionId, @Timeout int, @SessionItemLong varbinary(n)
/// UpdateStateItem         @SessionId, @LockCookie int, @Timeout int, @SessionItemLong varbinary(n)
/// InsertUninitializedItem @SessionId, @Timeout int, @SessionItemLong varbinary(n)
/// ReleaseItemExclusive    @SessionId, @LockCookie int
/// RemoveStateItem         @SessionId, @LockCookie int
/// ResetItemTimeout        @SessionId
/// </code>
/// The provider creates the table and procedures itself when it starts; SessionBridge only calls them.
/// </remarks>
internal sealed class AsyncProviderProcedures(string? tableName)
{
    private readonly string _prefix = string.IsNullOrWhiteSpace(tableName) ? string.Empty : tableName + "_";

    public string GetStateItemExclusive => _prefix + "GetStateItemExclusive";

    public string GetStateItem => _prefix + "GetStateItem";

    public string InsertStateItem => _prefix + "InsertStateItem";

    public string UpdateStateItem => _prefix + "UpdateStateItem";

    public string InsertUninitializedItem => _prefix + "InsertUninitializedItem";

    public string ReleaseItemExclusive => _prefix + "ReleaseItemExclusive";

    public string RemoveStateItem => _prefix + "RemoveStateItem";

    public string ResetItemTimeout => _prefix + "ResetItemTimeout";

    public SqlCommand Get(string id, bool exclusive, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(exclusive ? GetStateItemExclusive : GetStateItem, timeoutSeconds);
        Id(command, id);
        if (exclusive)
        {
            AspStateProcedures.Output(command, "@Locked", SqlDbType.Bit);
            AspStateProcedures.Output(command, "@LockAge", SqlDbType.Int);
        }
        else
        {
            AspStateProcedures.Output(command, "@LockAge", SqlDbType.Int);
            AspStateProcedures.Output(command, "@Locked", SqlDbType.Bit);
        }

        AspStateProcedures.Output(command, "@LockCookie", SqlDbType.Int);
        AspStateProcedures.Output(command, "@ActionFlags", SqlDbType.Int);
        return command;
    }

    public SqlCommand Insert(string id, byte[] blob, int timeout, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(InsertStateItem, timeoutSeconds);
        Id(command, id);
        AspStateProcedures.Int(command, "@Timeout", timeout);
        Item(command, blob);
        return command;
    }

    public SqlCommand Update(string id, byte[] blob, int timeout, int lockCookie, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(UpdateStateItem, timeoutSeconds);
        Id(command, id);
        AspStateProcedures.Int(command, "@LockCookie", lockCookie);
        AspStateProcedures.Int(command, "@Timeout", timeout);
        Item(command, blob);
        return command;
    }

    public SqlCommand InsertUninitialized(string id, byte[] blob, int timeout, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(InsertUninitializedItem, timeoutSeconds);
        Id(command, id);
        AspStateProcedures.Int(command, "@Timeout", timeout);
        Item(command, blob);
        return command;
    }

    public SqlCommand Release(string id, int lockCookie, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(ReleaseItemExclusive, timeoutSeconds);
        Id(command, id);
        AspStateProcedures.Int(command, "@LockCookie", lockCookie);
        return command;
    }

    public SqlCommand Remove(string id, int lockCookie, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(RemoveStateItem, timeoutSeconds);
        Id(command, id);
        AspStateProcedures.Int(command, "@LockCookie", lockCookie);
        return command;
    }

    public SqlCommand ResetTimeout(string id, int timeoutSeconds)
    {
        var command = AspStateProcedures.Create(ResetItemTimeout, timeoutSeconds);
        Id(command, id);
        return command;
    }

    private static void Id(SqlCommand command, string id) =>
        command.Parameters.Add(new SqlParameter("@SessionId", SqlDbType.NVarChar, SqlServerStoreDefaults.IdLength) { Value = id });

    private static void Item(SqlCommand command, byte[] blob) =>
        command.Parameters.Add(new SqlParameter("@SessionItemLong", SqlDbType.VarBinary, blob.Length) { Value = blob });
}
