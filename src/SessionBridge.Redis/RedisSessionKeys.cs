using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>
/// The keys of one session, as the provider's <c>KeyGenerator</c> builds them: <c>{&lt;app&gt;_&lt;id&gt;}_suffix</c>. The braces
/// are a Redis Cluster hash tag, so all keys of a session live in one slot.
/// </summary>
internal sealed class RedisSessionKeys
{
    private RedisSessionKeys(RedisKey @lock, RedisKey data, RedisKey timeout, RedisKey otherLayoutData, RedisKey waiting)
    {
        Lock = @lock;
        Data = data;
        Timeout = timeout;
        OtherLayoutData = otherLayoutData;
        Waiting = waiting;
        ForReads = [@lock, data, timeout, otherLayoutData, waiting];
        ForReleases = [@lock, data, timeout, waiting];
        DataTimeout = [data, timeout];
    }

    public RedisKey Lock { get; }

    public RedisKey Data { get; }

    public RedisKey Timeout { get; }

    /// <summary>The data key of the layout not configured, to notice sessions a differently configured app wrote.</summary>
    public RedisKey OtherLayoutData { get; }

    /// <summary>
    /// SessionBridge's own flag (not a provider key; the legacy application never sees it): set while a SessionBridge
    /// request waits for the lock, so releasing scripts publish only when someone listens.
    /// </summary>
    public RedisKey Waiting { get; }

    /// <summary>{lock, data, timeout, other layout's data, waiting}: the reading scripts' keys.</summary>
    public RedisKey[] ForReads { get; }

    /// <summary>{lock, data, timeout, waiting}: the releasing scripts' keys.</summary>
    public RedisKey[] ForReleases { get; }

    public RedisKey[] DataTimeout { get; }

    public static RedisSessionKeys Create(string applicationName, string sessionId, RedisKeyLayout layout)
    {
        var prefix = "{" + applicationName + "_" + sessionId + "}";
        return layout == RedisKeyLayout.V5
            ? new(prefix + "_WriteLock", prefix + "_SessionStateItemCollection", prefix + "_SessionTimeout", prefix + "_Data", prefix + "_SessionBridgeWaiting")
            : new(prefix + "_Write_Lock", prefix + "_Data", prefix + "_Internal", prefix + "_SessionStateItemCollection", prefix + "_SessionBridgeWaiting");
    }
}
