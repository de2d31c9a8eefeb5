namespace SessionBridge.SqlServer;

/// <summary>
/// Settings of the SQL Server store: the legacy application's ASPState database, how the legacy provider names its
/// rows there, and System.Web's command timeout and retry rule.
/// </summary>
/// <remarks>
/// <para>
/// The legacy web.config's <c>&lt;sessionState mode="SQLServer" sqlConnectionString="…" sqlCommandTimeout="30"
/// sqlConnectionRetryInterval="0" allowCustomSqlDatabase="false"&gt;</c> maps to <see cref="ConnectionString"/>,
/// <see cref="CommandTimeout"/>, <see cref="ConnectionRetryInterval"/> and <see cref="AllowCustomSqlDatabase"/>
/// (its <c>compressionEnabled</c> is <c>LegacySession:CompressionEnabled</c>). Bound from <c>LegacySession:SqlServer</c>.
/// </para>
/// <para>
/// Every session id is stored with an 8-hex-digit suffix that identifies the application. Set
/// <see cref="ApplicationId"/> to the legacy application's <c>HttpRuntime.AppDomainAppId</c>
/// (<c>/LM/W3SVC/&lt;site id&gt;/ROOT/&lt;virtual directory&gt;</c>), or <see cref="Suffix"/> to the suffix itself (read it
/// from <c>ASPStateTempApplications</c>, or from the end of any <c>SessionId</c> in <c>ASPStateTempSessions</c>).
/// </para>
/// </remarks>
public sealed class SqlServerStoreOptions
{
    /// <summary>
    /// The legacy <c>sqlConnectionString</c> (required). When it names no database (<c>Initial Catalog</c>,
    /// <c>Database</c> or <c>AttachDBFilename</c>), <c>Initial Catalog=ASPState</c> is appended, as System.Web does.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The legacy <c>allowCustomSqlDatabase</c>: whether <see cref="ConnectionString"/> may name its own database
    /// (aspnet_regsql <c>-sstype c -d NAME</c>). Default <see langword="false"/>, and then naming one is an error.
    /// </summary>
    public bool AllowCustomSqlDatabase { get; set; }

    /// <summary>
    /// The legacy application's <c>HttpRuntime.AppDomainAppId</c>, e.g. <c>/LM/W3SVC/1/ROOT/MyApp</c>. With
    /// <see cref="SqlServerCompatibility.SystemWeb"/> the database turns it into the suffix (<c>dbo.TempGetAppID</c>,
    /// lower-cased there); with the async provider it is hashed here, case-sensitively. Set this or <see cref="Suffix"/>.
    /// </summary>
    public string? ApplicationId { get; set; }

    /// <summary>
    /// The 8 hex digits the legacy provider appends to every session id, when known (System.Web: lower-case, the
    /// application's <c>AppId</c> formatted <c>x8</c>; the async provider: upper-case). Set this or <see cref="ApplicationId"/>;
    /// with it, <c>dbo.TempGetAppID</c> is not called.
    /// </summary>
    public string? Suffix { get; set; }

    /// <summary>Which legacy provider the application uses. Default <see cref="SqlServerCompatibility.SystemWeb"/>.</summary>
    public SqlServerCompatibility Compatibility { get; set; } = SqlServerCompatibility.SystemWeb;

    /// <summary>
    /// For the async provider's modes without <see cref="Suffix"/>: which hash of <see cref="ApplicationId"/> its
    /// version and process use. Default <see cref="AsyncProviderSuffixHash.NetFramework64Bit"/>.
    /// </summary>
    public AsyncProviderSuffixHash AsyncProviderHash { get; set; } = AsyncProviderSuffixHash.NetFramework64Bit;

    /// <summary>
    /// For <see cref="SqlServerCompatibility.AsyncProviderSqlServer"/>: the provider's <c>sessionTableName</c> when it is
    /// set; its procedures are then named <c>&lt;table&gt;_GetStateItemExclusive</c> and so on. Default: not set
    /// (table <c>ASPNetSessionState</c>, procedures without prefix).
    /// </summary>
    public string? AsyncProviderTableName { get; set; }

    /// <summary>The legacy <c>sqlCommandTimeout</c>: the most one command may take. Whole seconds; default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = SqlServerStoreDefaults.CommandTimeout;

    /// <summary>
    /// The legacy <c>sqlConnectionRetryInterval</c>: for how long a command that failed with a fatal error (severity 20
    /// or more, error 4060 "cannot open database", or a timeout) is retried, 5 s after the failure and then every second.
    /// Default zero: no retries.
    /// </summary>
    public TimeSpan ConnectionRetryInterval { get; set; } = SqlServerStoreDefaults.ConnectionRetryInterval;

    /// <summary>The largest stored item read, in bytes (a longer one is reported as corrupt, never loaded). Default 64 MiB.</summary>
    public int MaxItemBytes { get; set; } = SqlServerStoreDefaults.MaxItemBytes;
}
