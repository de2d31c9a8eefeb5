using SessionBridge.Legacy.Stores;
using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>Options of the Redis session store (<see cref="RedisSessionStore"/>).</summary>
/// <remarks>
/// The store reads and writes sessions exactly as Microsoft.Web.RedisSessionStateProvider does, so a legacy ASP.NET
/// application using that provider shares them unchanged. For that the endpoint, the database, the
/// <see cref="ApplicationName"/> and the <see cref="KeyLayout"/> must match the legacy application's web.config.
/// </remarks>
public sealed class RedisSessionStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port,password=…,ssl=true,defaultDatabase=0</c>), the legacy
    /// provider's <c>connectionString</c>. <c>abortConnect</c> is always forced to <see langword="false"/> so the store
    /// starts, and reconnects, while Redis is down. Ignored when <see cref="ConnectionMultiplexerFactory"/> is set.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Supplies the application's own connection instead of <see cref="Configuration"/>. Called once; the store does
    /// not dispose a connection it did not create.
    /// </summary>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>
    /// The provider's <c>applicationName</c>, the key prefix: case-sensitive and exactly as the legacy application
    /// uses it. Default <c>/</c> (the provider's default for a site-root application; <c>/MyApp</c> for a virtual
    /// directory).
    /// </summary>
    public string ApplicationName { get; set; } = RedisSessionStoreDefaults.ApplicationName;

    /// <summary>
    /// The key layout: <see cref="RedisKeyLayout.V5"/> (provider 5.x, the default) or <see cref="RedisKeyLayout.V2To4"/>.
    /// </summary>
    public RedisKeyLayout KeyLayout { get; set; } = RedisKeyLayout.V5;

    /// <summary>
    /// The assembly version of the legacy Microsoft.Web.RedisSessionStateProvider 2.x–4.x (e.g. 3.0.2.0 for 3.0.2; default
    /// 4.0.1.0, the last of that line), used only by the <see cref="RedisKeyLayout.V2To4"/> layout in the marker that
    /// stores a null item (<c>Microsoft.Web.Redis.RedisNull</c>), so a new null is written byte for byte as that provider
    /// writes it. A session that already holds a marker gives its own bytes instead. The legacy side reads a marker of
    /// any version as null (BinaryFormatter's default simple assembly matching).
    /// </summary>
    public Version ProviderVersion { get; set; } = RedisSessionStoreDefaults.ProviderVersion;

    /// <summary>
    /// The lock's time to live: the legacy <c>&lt;httpRuntime executionTimeout&gt;</c> (default 110 seconds). Keep it at or
    /// below the legacy value, or the legacy application steals SessionBridge's locks.
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = RedisSessionStoreDefaults.ExecutionTimeout;

    /// <summary>
    /// The time zone of the legacy servers' local time, in which lock values are tick counts
    /// (<c>DateTime.Now.Ticks</c> on the legacy side). Default <see langword="null"/>: this machine's local time zone.
    /// Set it when SessionBridge runs in another zone than the legacy servers (e.g. a container on UTC next to Windows
    /// servers on Eastern Time); otherwise one side sees the other's locks hours old and steals them at once.
    /// </summary>
    public TimeZoneInfo? LockTimeZone { get; set; }

    /// <summary>
    /// The session timeout used when a session has none stored (<c>&lt;sessionState timeout&gt;</c>, default 20 minutes).
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = RedisSessionStoreDefaults.SessionTimeout;

    /// <summary>
    /// The most one store operation may take, retries included (default 5 seconds); after it the operation fails with
    /// <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = RedisSessionStoreDefaults.OperationTimeout;

    /// <summary>Retries of a failed read-only read (default 2). Writes and locking reads are never retried.</summary>
    public int ReadRetries { get; set; } = RedisSessionStoreDefaults.ReadRetries;

    /// <summary>
    /// How long operations fail at once after repeated failures broke the circuit (default 5 seconds), so an outage
    /// costs callers no waiting.
    /// </summary>
    public TimeSpan BreakDuration { get; set; } = RedisSessionStoreDefaults.BreakDuration;
}
