namespace SessionBridge.SqlServer;

/// <summary>The defaults of <see cref="SqlServerStoreOptions"/>: System.Web's, where it has one.</summary>
internal static class SqlServerStoreDefaults
{
    /// <summary>The store's name for <c>LegacySession:Store</c>.</summary>
    public const string StoreName = "SqlServer";

    /// <summary>The configuration section the options bind from.</summary>
    public const string ConfigurationSection = "LegacySession:" + StoreName;

    /// <summary>The database System.Web appends when the connection string names none.</summary>
    public const string DatabaseName = "ASPState";

    /// <summary>The async provider's default table in its <c>SqlServer</c> repository mode.</summary>
    public const string AsyncProviderTableName = "ASPNetSessionState";

    /// <summary>Blobs up to this length go to <c>SessionItemShort</c> (varbinary(7000)), longer ones to <c>SessionItemLong</c> (image).</summary>
    public const int ItemShortLength = 7000;

    /// <summary>System.Web's <c>SessionIDManager.SessionIDMaxLength</c>.</summary>
    public const int MaxSessionIdLength = 80;

    /// <summary>The length of the application suffix appended to every session id.</summary>
    public const int SuffixLength = 8;

    /// <summary><c>@id nvarchar(88)</c>: a session id and its suffix.</summary>
    public const int IdLength = MaxSessionIdLength + SuffixLength;

    /// <summary><c>@appName varchar(280)</c> of <c>dbo.TempGetAppID</c>.</summary>
    public const int AppNameLength = 280;

    /// <summary>The first SQL Server major version whose procedures report lock ages (SQL Server 2000).</summary>
    public const int LockAgeMajorVersion = 8;

    /// <summary>A lock age above one year is reported as zero, as System.Web does.</summary>
    public const int OneYearSeconds = 365 * 24 * 60 * 60;

    /// <summary>System.Web waits this long before the first retry of a failed command.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>System.Web waits this long between later retries.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The legacy <c>sqlCommandTimeout</c> default.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The legacy <c>sqlConnectionRetryInterval</c> default: no retries.</summary>
    public static readonly TimeSpan ConnectionRetryInterval = TimeSpan.Zero;

    /// <summary>The largest stored item read (bytes): 64 MiB.</summary>
    public const int MaxItemBytes = 64 * 1024 * 1024;
}
