
namespace SessionBridge.DistributedCache;

/// <summary>Options of <see cref="DistributedCacheSessionStore"/>.</summary>
public sealed class DistributedCacheSessionStoreOptions
{
    /// <summary>Prepended to the session ID to form the cache key. Default <c>SessionBridge:</c>.</summary>
    public string KeyPrefix { get; set; } = "SessionBridge:";

    /// <summary>
    /// How long a lock lives before it is freed on its own. <see langword="null"/> (the default) takes the
    /// middleware's <c>ExecutionTimeout</c> (110 seconds).
    /// </summary>
    public TimeSpan? LockTimeout { get; set; }
}
