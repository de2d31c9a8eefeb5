namespace SessionBridge.SqlServer;

/// <summary>Which legacy SQL Server session provider the legacy application uses, and so which keys and procedures to use.</summary>
public enum SqlServerCompatibility
{
    /// <summary>
    /// System.Web's built-in provider, <c>&lt;sessionState mode="SQLServer"&gt;</c>, on the database aspnet_regsql
    /// <c>-ssadd</c> created: the <c>Temp*</c> procedures, and the id suffix the database assigns to the application
    /// (<c>dbo.TempGetAppID</c>). The default.
    /// </summary>
    SystemWeb,

    /// <summary>
    /// Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync with <c>repositoryType="FrameworkCompat"</c> (its
    /// default): the same aspnet_regsql procedures, but an id suffix computed from a hash of the application id (see
    /// <see cref="SqlServerStoreOptions.AsyncProviderHash"/>); it never calls <c>dbo.TempGetAppID</c>.
    /// </summary>
    AsyncProviderFrameworkCompat,

    /// <summary>
    /// Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync with <c>repositoryType="SqlServer"</c>: its own table
    /// (<c>ASPNetSessionState</c> or <see cref="SqlServerStoreOptions.AsyncProviderTableName"/>) and procedures
    /// (<c>GetStateItemExclusive</c>, <c>InsertStateItem</c>, …), one <c>varbinary(max)</c> item column, and the hashed id suffix.
    /// </summary>
    AsyncProviderSqlServer,
}
