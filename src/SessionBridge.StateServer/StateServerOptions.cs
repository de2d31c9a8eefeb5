using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// The state server's settings, bound from the <c>StateServer</c> configuration section (e.g. the environment
/// variable <c>StateServer__Port</c>) and from the command line (<c>--port</c>, <c>--allow-remote</c>, …).
/// </summary>
internal sealed class StateServerOptions
{
    public const string SectionName = "StateServer";

    /// <summary>TCP port; 42424 as aspnet_state. 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 42424;

    /// <summary>
    /// Addresses or networks (CIDR) allowed to connect besides loopback. Empty (the default): the server listens on
    /// loopback only, as aspnet_state with <c>AllowRemoteConnection=0</c>. Non-empty: it listens on every interface and
    /// closes connections from any other address at once.
    /// </summary>
    public List<string> AllowRemote { get; set; } = [];

    /// <summary>
    /// Where items live: <c>memory</c> (the default, like aspnet_state: a restart loses every item) or <c>redis</c>
    /// (the Redis store's provider v5 layout for [MS-ASP] sessions, one HASH per Mono session: a restart loses nothing).
    /// </summary>
    public string Store { get; set; } = "memory";

    /// <summary>The StackExchange.Redis configuration for <c>--store redis</c>, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// With <c>--store redis</c>: the Redis store's application name (key prefix) for every application; by default each
    /// application's own id (e.g. <c>/LM/W3SVC/1/ROOT/MyApp</c>). Set it to the <c>ApplicationName</c> a Core
    /// application's Redis store uses to share its sessions.
    /// </summary>
    public string? RedisApplicationName { get; set; }

    /// <summary>
    /// With <c>--store redis</c>: the lock's time to live in Redis, the legacy <c>executionTimeout</c> (default 110 s);
    /// a lock its holder never releases (e.g. a web server that died) is gone after it.
    /// </summary>
    public TimeSpan RedisLockTimeout { get; set; } = TimeSpan.FromSeconds(110);

    /// <summary>With <c>--store redis</c>: how long one Redis operation may take before the request fails (default 5 s).</summary>
    public TimeSpan RedisOperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With <c>--store redis</c>: whether clients compress session blobs (the legacy <c>compressionEnabled</c>); the
    /// server must inflate them to keep the items in the Redis layout. Default false.
    /// </summary>
    public bool CompressionEnabled { get; set; }

    /// <summary>
    /// Mono's .NET Remoting protocol (served on the same port): a prefix put before every session id to form the item's
    /// key. Empty (the default): bare ids, as Mono's asp-state4 (every application on the server shares one namespace,
    /// so two applications presenting the same id share the session). Set e.g. <c>shop/</c> to give the Mono
    /// applications of this server a namespace of their own; every server that must share those sessions needs the same prefix.
    /// </summary>
    public string? MonoKeyPrefix { get; set; }

    internal bool UsesRedis => string.Equals(Store, "redis", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>X-AspNet-Version</c> value; System.Web clients need major version 2 or more.</summary>
    public string AspNetVersion { get; set; } = "4.0.30319";

    /// <summary>The largest session blob accepted (bytes); a larger PUT gets 400 and the connection is closed.</summary>
    public int MaxBodyBytes { get; set; } = StateServerLimits.DefaultMaxBodyLength;

    /// <summary>The largest request head (request line and headers) accepted (bytes).</summary>
    public int MaxHeadBytes { get; set; } = StateServerLimits.DefaultMaxHeadLength;

    /// <summary>The most header lines accepted in one request.</summary>
    public int MaxHeaderCount { get; set; } = StateServerLimits.DefaultMaxHeaderCount;

    /// <summary>How long a request may take to arrive once its first byte came (slow senders are cut off).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle persistent connection stays open.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most connections served at once; more are closed on accept.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>How long shutdown waits for connections to finish their current request.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal StateServerLimits Limits => new()
    {
        MaxBodyLength = MaxBodyBytes,
        MaxHeadLength = MaxHeadBytes,
        MaxHeaderCount = MaxHeaderCount,
    };

    /// <summary>Checks the settings; the message names each setting to change (its key and its command-line option).</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid.</exception>
    public void Validate()
    {
        var failures = new List<string>();
        if (Port is < 0 or > 65535)
        {
            failures.Add($"StateServer:Port (--port) is {Port}; set 0 to 65535 (default 42424).");
        }

        if (!string.Equals(Store, "memory", StringComparison.OrdinalIgnoreCase) && !UsesRedis)
        {
            failures.Add($"StateServer:Store (--store) '{Store}' is not a storage; use 'memory' (the default) or 'redis'.");
        }

        if (UsesRedis && string.IsNullOrWhiteSpace(Redis))
        {
            failures.Add("StateServer:Store (--store) is 'redis' but no Redis is set; add --redis <configuration> (StateServer:Redis), e.g. --redis 127.0.0.1:6379.");
        }

        if (UsesRedis && (RedisLockTimeout < TimeSpan.FromSeconds(1) || RedisLockTimeout.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            failures.Add($"StateServer:RedisLockTimeout is {RedisLockTimeout}; set a whole number of seconds, at least 1 (default 00:01:50).");
        }

        if (UsesRedis && RedisOperationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"StateServer:RedisOperationTimeout is {RedisOperationTimeout}; set a positive time (default 00:00:05).");
        }

        if (MaxBodyBytes < 1)
        {
            failures.Add($"StateServer:MaxBodyBytes (--max-body-bytes) is {MaxBodyBytes}; set at least 1 (default 16 MiB).");
        }

        if (MaxHeadBytes < 256)
        {
            failures.Add($"StateServer:MaxHeadBytes is {MaxHeadBytes}; set at least 256.");
        }

        if (MaxHeaderCount < 1)
        {
            failures.Add($"StateServer:MaxHeaderCount is {MaxHeaderCount}; set at least 1.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"StateServer:RequestTimeout (--request-timeout) is {RequestTimeout}; set a positive time (default 10 s).");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"StateServer:IdleTimeout (--idle-timeout) is {IdleTimeout}; set a positive time (default 2 min).");
        }

        if (MaxConnections < 1)
        {
            failures.Add($"StateServer:MaxConnections (--max-connections) is {MaxConnections}; set at least 1 (default 1024).");
        }

        if (string.IsNullOrWhiteSpace(AspNetVersion) || AspNetVersion.Any(c => c is < ' ' or > '~'))
        {
            failures.Add("StateServer:AspNetVersion (--aspnet-version) must be a version such as 4.0.30319.");
        }

        try
        {
            _ = RemoteAccessFilter.Parse(AllowRemote);
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }
}
