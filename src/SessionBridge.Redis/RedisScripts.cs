
namespace SessionBridge.Redis;

/// <summary>
/// The Lua scripts of the Redis store: one per store operation, so each operation is one atomic round trip. They
/// follow the semantics of Microsoft.Web.RedisSessionStateProvider's scripts (../shared/spec/redis-provider-layout.md
/// §1.4), so a legacy application running that provider sees exactly what it would see from another instance of itself.
/// </summary>
/// <remarks>
/// Keys are <c>{lock, data, timeout, other layout's data, waiting}</c> for reads, <c>{lock, data, timeout, waiting}</c>
/// for releases and <c>{data, timeout}</c> otherwise, all with the same hash tag, so every script works on Redis
/// Cluster. Where the provider sends SETNX or SET followed by EXPIRE, the scripts send one SET with NX/EX: the same
/// effect within the atomic script, in fewer commands. <c>waiting</c> is SessionBridge's own flag, set by a read that
/// finds the session locked; a release publishes only when it clears that flag, so uncontended requests publish
/// nothing. Differences from the provider, none of which a legacy reader can observe: the locking read
/// drops the lock it just took when the session does not exist (the provider does that in a second call); the
/// uninitialized insert does not overwrite an existing session; the releasing scripts publish the session ID on the
/// application's lock-release channel so waiters in other processes wake at once.
/// </remarks>
internal static class RedisScripts
{
    // Re-arms both TTLs from the stored per-session timeout, or yields -1 when none is stored.
    private const string RearmV5 = """
        local timeout = redis.call('GET', KEYS[3])
        if timeout then
          redis.call('EXPIRE', KEYS[2], timeout)
          redis.call('EXPIRE', KEYS[3], timeout)
        else
          timeout = -1
        end
        """;

    private const string RearmV2To4 = """
        local timeout = redis.call('HGET', KEYS[3], 'SessionTimeout')
        if timeout then
          redis.call('EXPIRE', KEYS[2], timeout)
          redis.call('EXPIRE', KEYS[3], timeout)
        else
          timeout = -1
        end
        """;

    // The first part of both locking reads: take the lock if it is free, otherwise note its holder and flag that a
    // SessionBridge request waits for it (KEYS[5]).
    private const string TakeLock = """
        local lockValue = ARGV[1]
        local heldByOther = 0
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
          lockValue = redis.call('GET', KEYS[1])
          heldByOther = 1
          redis.call('SET', KEYS[5], '1', 'EX', ARGV[2])
        end
        local data = false
        local other = 0
        """;

    // The last part of both locking reads, after the layout's re-arm fragment has set 'timeout'.
    private const string AcquireResult = """

        return { lockValue, data, timeout, heldByOther, other }
        """;

    /// <summary>
    /// Lock + read. ARGV = {candidate lock value, lock TTL seconds}. Returns {lock value, data or nil, timeout seconds
    /// or -1, 1 when someone else holds the lock, 1 when the other layout's data key exists}.
    /// </summary>
    public const string AcquireAndReadV5 = TakeLock + "\n" + """
        if heldByOther == 0 then
          data = redis.call('GET', KEYS[2])
          if not data then
            redis.call('DEL', KEYS[1])
            other = redis.call('EXISTS', KEYS[4])
          end
        end
        """ + "\n" + RearmV5 + AcquireResult;

    /// <summary>Lock + read in the v2–v4 layout; the data is the HASH's field/value list (nil when there is no session).</summary>
    public const string AcquireAndReadV2To4 = TakeLock + "\n" + """
        if heldByOther == 0 then
          if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then
            data = redis.call('HGETALL', KEYS[2])
          else
            redis.call('DEL', KEYS[1])
            other = redis.call('EXISTS', KEYS[4])
          end
        end
        """ + "\n" + RearmV2To4 + AcquireResult;

    /// <summary>
    /// Read-only read: never locks. ARGV = {lock TTL seconds, for the waiting flag}. Returns {lock value or nil, data or nil (nil while locked), timeout or -1,
    /// 1 when the other layout's data key exists}.
    /// </summary>
    public const string ReadV5 = """
        local lockValue = redis.call('GET', KEYS[1])
        local data = false
        local other = 0
        if lockValue then
          redis.call('SET', KEYS[5], '1', 'EX', ARGV[1])
        else
          data = redis.call('GET', KEYS[2])
          if not data then
            other = redis.call('EXISTS', KEYS[4])
          end
        end
        """ + "\n" + RearmV5 + """

        return { lockValue, data, timeout, other }
        """;

    /// <summary>Read-only read in the v2–v4 layout.</summary>
    public const string ReadV2To4 = """
        local lockValue = redis.call('GET', KEYS[1])
        local data = false
        local other = 0
        if lockValue then
          redis.call('SET', KEYS[5], '1', 'EX', ARGV[1])
        else
          if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then
            data = redis.call('HGETALL', KEYS[2])
          else
            other = redis.call('EXISTS', KEYS[4])
          end
        end
        """ + "\n" + RearmV2To4 + """

        return { lockValue, data, timeout, other }
        """;

    /// <summary>
    /// Set and release. ARGV = {lock ID or "" (lock-free writer), timeout seconds, channel, session ID, blob}.
    /// Writes nothing and returns 0 when the lock is not the caller's; otherwise writes, re-arms both TTLs, deletes the
    /// lock whoever holds it (as the provider does) and returns 1.
    /// </summary>
    public const string SetAndReleaseV5 = """
        if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[2], ARGV[5], 'EX', ARGV[2])
        redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[2])
        if redis.call('DEL', KEYS[1]) == 1 and redis.call('DEL', KEYS[4]) == 1 then
          redis.call('PUBLISH', ARGV[3], ARGV[4])
        end
        return 1
        """;

    /// <summary>
    /// Set and release in the v2–v4 layout. ARGV[5] = n, the number of fields to delete, then those n field names, then
    /// field/value pairs to set: only what changed, as the provider's HDEL + HMSET, so fields the endpoint did not touch
    /// keep their bytes and a concurrent lock-free writer's other fields survive. n = -1 replaces the whole HASH with the
    /// pairs (a session this process did not read).
    /// </summary>
    public const string SetAndReleaseV2To4 = """
        if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        local removed = tonumber(ARGV[5])
        local first = 6
        if removed < 0 then
          redis.call('DEL', KEYS[2])
        else
          for i = 6, 5 + removed do
            redis.call('HDEL', KEYS[2], ARGV[i])
          end
          first = 6 + removed
        end
        for i = first, #ARGV, 2 do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
        end
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        redis.call('HSET', KEYS[3], 'SessionTimeout', ARGV[2])
        redis.call('EXPIRE', KEYS[3], ARGV[2])
        if redis.call('DEL', KEYS[1]) == 1 and redis.call('DEL', KEYS[4]) == 1 then
          redis.call('PUBLISH', ARGV[3], ARGV[4])
        end
        return 1
        """;

    /// <summary>
    /// Release if the lock matches. ARGV = {lock ID, default timeout seconds, channel, session ID}. Re-arms both TTLs
    /// from the stored timeout (or the data's from the default). Returns 1 when it released.
    /// </summary>
    public const string ReleaseV5 = ReleaseIfOwner + "\n" + RearmV5 + ReleaseTail;

    /// <summary>Release if the lock matches, v2–v4 layout.</summary>
    public const string ReleaseV2To4 = ReleaseIfOwner + "\n" + RearmV2To4 + ReleaseTail;

    // The first part of both Release scripts: delete the lock if it is the caller's, and publish when a SessionBridge
    // request is waiting (KEYS[4], the waiting flag).
    private const string ReleaseIfOwner = """
        local released = 0
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[4]) == 1 then
            redis.call('PUBLISH', ARGV[3], ARGV[4])
          end
          released = 1
        end
        """;

    // The last part of both Release scripts, after the layout's re-arm fragment has set 'timeout'.
    private const string ReleaseTail = """

        if timeout == -1 then
          redis.call('EXPIRE', KEYS[2], ARGV[2])
        end
        return released
        """;

    /// <summary>
    /// Remove (Abandon). ARGV = {lock ID or "", channel, session ID}. Does nothing and returns 0 when the lock is not
    /// the caller's; otherwise deletes all three keys and returns 1. Same in both layouts.
    /// </summary>
    public const string Remove = """
        if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        redis.call('DEL', KEYS[2], KEYS[3])
        if redis.call('DEL', KEYS[1]) == 1 and redis.call('DEL', KEYS[4]) == 1 then
          redis.call('PUBLISH', ARGV[2], ARGV[3])
        end
        return 1
        """;

    /// <summary>
    /// Reset timeout. KEYS = {data, timeout}, ARGV = {default timeout seconds}. Does nothing when there is no data;
    /// otherwise re-arms both TTLs from the stored timeout, or stores the default. Returns 1 when the session exists.
    /// </summary>
    public const string ResetTimeoutV5 = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        local timeout = redis.call('GET', KEYS[2])
        if not timeout then
          timeout = ARGV[1]
          redis.call('SET', KEYS[2], timeout)
        end
        redis.call('EXPIRE', KEYS[1], timeout)
        redis.call('EXPIRE', KEYS[2], timeout)
        return 1
        """;

    /// <summary>Reset timeout, v2–v4 layout.</summary>
    public const string ResetTimeoutV2To4 = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        local timeout = redis.call('HGET', KEYS[2], 'SessionTimeout')
        if not timeout then
          timeout = ARGV[1]
          redis.call('HSET', KEYS[2], 'SessionTimeout', timeout)
        end
        redis.call('EXPIRE', KEYS[1], timeout)
        redis.call('EXPIRE', KEYS[2], timeout)
        return 1
        """;

    /// <summary>
    /// Insert. KEYS = {data, timeout}, ARGV = {timeout seconds, 1 to keep an existing session, blob}. Does not touch
    /// the lock. Returns 1 when it wrote.
    /// </summary>
    public const string InsertV5 = """
        if ARGV[2] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[1])
        redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[1])
        return 1
        """;

    /// <summary>Insert, v2–v4 layout: ARGV[3..] are field/value pairs.</summary>
    public const string InsertV2To4 = """
        if ARGV[2] == '1' and (redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1) then
          return 0
        end
        redis.call('DEL', KEYS[1])
        for i = 3, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        redis.call('HSET', KEYS[2], 'SessionTimeout', ARGV[1])
        redis.call('EXPIRE', KEYS[2], ARGV[1])
        return 1
        """;
}
