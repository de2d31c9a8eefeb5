using System.Globalization;
using SessionBridge.Legacy.Format;
using StackExchange.Redis;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>
/// Plays a legacy ASP.NET application running Microsoft.Web.RedisSessionStateProvider 5.x against the same Redis: it
/// issues exactly the provider's commands and scripts as ../shared/spec/redis-provider-layout.md §1.4–1.5 describes
/// them (its own Lua text, written from that description), with the provider's key names, ARGV layouts, lock values
/// (<c>DateTime.Now.Ticks</c>) and lock ages. Collections are written with the project's codec, which the vectors
/// prove byte-identical to System.Web's <c>SessionStateItemCollection.Serialize</c>.
/// </summary>
public sealed class LegacyRedisProviderDouble(IConnectionMultiplexer connection, string applicationName = "/", int executionTimeoutSeconds = 110, int sessionTimeoutMinutes = 20)
{
    // 1. writeLockAndGetDataScript: KEYS {lock, data, timeout}, ARGV {candidate, lock TTL}.
    private const string WriteLockAndGetData = """
        local result = {}
        local lockValue = ARGV[1]
        local heldByOther = true
        if redis.call('SETNX', KEYS[1], ARGV[1]) == 1 then
          redis.call('EXPIRE', KEYS[1], ARGV[2])
          heldByOther = false
        else
          lockValue = redis.call('GET', KEYS[1])
        end
        result[1] = lockValue
        if lockValue == ARGV[1] then
          result[2] = redis.call('GET', KEYS[2])
        else
          result[2] = ''
        end
        local timeout = redis.call('GET', KEYS[3])
        if timeout then
          result[3] = timeout
          redis.call('EXPIRE', KEYS[2], timeout)
          redis.call('EXPIRE', KEYS[3], timeout)
        else
          result[3] = '-1'
        end
        result[4] = heldByOther
        return result
        """;

    // 2. readLockAndGetDataScript: KEYS {lock, data, timeout}, no ARGV.
    private const string ReadLockAndGetData = """
        local result = {}
        local lockValue = redis.call('GET', KEYS[1])
        if lockValue then
          result[1] = lockValue
          result[2] = ''
        else
          result[1] = ''
          result[2] = redis.call('GET', KEYS[2])
        end
        local timeout = redis.call('GET', KEYS[3])
        if timeout then
          result[3] = timeout
          redis.call('EXPIRE', KEYS[2], timeout)
          redis.call('EXPIRE', KEYS[3], timeout)
        else
          result[3] = '-1'
        end
        return result
        """;

    // 3. removeAndUpdateSessionDataScript (v5): ARGV {lockId or "", timeout, removedCount, removedStart, removedEnd,
    //    updatedCount, updatedStart, updatedEnd, "SessionState", blob}.
    private const string RemoveAndUpdateSessionData = """
        if ARGV[1] ~= '' then
          if redis.call('GET', KEYS[1]) ~= ARGV[1] then
            return 1
          end
        end
        redis.call('SET', KEYS[2], ARGV[10])
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[3], ARGV[2])
        redis.call('EXPIRE', KEYS[3], ARGV[2])
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // 4. releaseWriteLockIfLockMatchScript: ARGV {lockId, timeout}.
    private const string ReleaseWriteLockIfLockMatch = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
        end
        local timeout = redis.call('GET', KEYS[3])
        if timeout then
          redis.call('EXPIRE', KEYS[2], timeout)
          redis.call('EXPIRE', KEYS[3], timeout)
        else
          redis.call('EXPIRE', KEYS[2], ARGV[2])
        end
        return 1
        """;

    // 5. removeSessionScript: ARGV {lockId or ""}.
    private const string RemoveSession = """
        if ARGV[1] ~= '' then
          if redis.call('GET', KEYS[1]) ~= ARGV[1] then
            return 1
          end
        end
        redis.call('DEL', KEYS[2])
        redis.call('DEL', KEYS[3])
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // 6. updateExpiryTimeScript: KEYS {data, timeout}, ARGV {configured timeout}.
    private const string UpdateExpiryTime = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 1
        end
        local timeout = redis.call('GET', KEYS[2])
        if timeout then
          redis.call('EXPIRE', KEYS[1], timeout)
          redis.call('EXPIRE', KEYS[2], timeout)
        else
          redis.call('EXPIRE', KEYS[1], ARGV[1])
          redis.call('SET', KEYS[2], ARGV[1])
          redis.call('EXPIRE', KEYS[2], ARGV[1])
        end
        return 1
        """;

    // 7. setScript (v5): KEYS {data, timeout}, ARGV {blob, timeout}. Overwrites unconditionally, never touches the lock.
    private const string Set = """
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        return 1
        """;

    /// <summary>What CreateUninitializedItem stores (vector redis-v5-uninitialized-item-collection).</summary>
    public static readonly byte[] UninitializedCollection = Convert.FromHexString(
        "01000000FFFFFFFF1353657373696F6E5374617465416374696F6E73AD000000140001000000FFFFFFFF01000000000000000C020000004D53797374656D2E5765622C2056657273696F6E3D342E302E302E302C2043756C747572653D6E65757472616C2C205075626C69634B6579546F6B656E3D6230336635663766313164353061336105010000002B53797374656D2E5765622E53657373696F6E53746174652E53657373696F6E5374617465416374696F6E73010000000776616C75655F5F000802000000010000000B");

    private IDatabase Db => connection.GetDatabase();

    public RedisKey LockKey(string id) => $"{{{applicationName}_{id}}}_WriteLock";

    public RedisKey DataKey(string id) => $"{{{applicationName}_{id}}}_SessionStateItemCollection";

    public RedisKey TimeoutKey(string id) => $"{{{applicationName}_{id}}}_SessionTimeout";

    private RedisKey[] Keys3(string id) => [LockKey(id), DataKey(id), TimeoutKey(id)];

    /// <summary>GetItemExclusive: lock + read; on a lock but no data, releases again and reports not found.</summary>
    public async Task<LegacyResult> GetItemExclusiveAsync(string id)
    {
        var candidate = DateTime.Now.Ticks.ToString(CultureInfo.InvariantCulture);
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(WriteLockAndGetData, Keys3(id), [candidate, executionTimeoutSeconds]))!;
        var lockValue = (string?)reply[0];
        var heldByOther = !reply[3].IsNull && (long)reply[3] == 1;
        if (heldByOther || lockValue != candidate)
        {
            return LegacyResult.Locked(lockValue ?? string.Empty, LockAge(lockValue));
        }

        if (reply[1].IsNull)
        {
            await ReleaseItemExclusiveAsync(id, candidate);
            return LegacyResult.NotFound;
        }

        return Parse((byte[])reply[1]!, candidate, (string)reply[2]!);
    }

    /// <summary>GetItem: read without locking; reports the writer's lock when there is one.</summary>
    public async Task<LegacyResult> GetItemAsync(string id)
    {
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(ReadLockAndGetData, Keys3(id)))!;
        var lockValue = (string?)reply[0];
        if (!string.IsNullOrEmpty(lockValue))
        {
            return LegacyResult.Locked(lockValue, LockAge(lockValue));
        }

        return reply[1].IsNull ? LegacyResult.NotFound : Parse((byte[])reply[1]!, null, (string)reply[2]!);
    }

    /// <summary>SetAndReleaseItemExclusive; <paramref name="lockId"/> null is the lock-free mode (AllowConcurrentRequestsPerSession).</summary>
    public async Task SetAndReleaseItemExclusiveAsync(string id, SessionStateItemCollection items, string? lockId, bool newItem, int? timeoutMinutes = null)
    {
        var blob = SessionStateSerializer.SerializeItems(items);
        var seconds = (timeoutMinutes ?? sessionTimeoutMinutes) * 60;
        if (newItem)
        {
            await Db.ScriptEvaluateAsync(Set, [DataKey(id), TimeoutKey(id)], [blob, seconds]);
            return;
        }

        await Db.ScriptEvaluateAsync(RemoveAndUpdateSessionData, Keys3(id),
            [lockId ?? string.Empty, seconds, 0, 9, 8, 1, 9, 10, "SessionState", blob]);
    }

    public async Task ReleaseItemExclusiveAsync(string id, string lockId) =>
        await Db.ScriptEvaluateAsync(ReleaseWriteLockIfLockMatch, Keys3(id), [lockId, sessionTimeoutMinutes * 60]);

    public async Task RemoveItemAsync(string id, string? lockId) =>
        await Db.ScriptEvaluateAsync(RemoveSession, Keys3(id), [lockId ?? string.Empty]);

    public async Task ResetItemTimeoutAsync(string id) =>
        await Db.ScriptEvaluateAsync(UpdateExpiryTime, [DataKey(id), TimeoutKey(id)], [sessionTimeoutMinutes * 60]);

    public async Task CreateUninitializedItemAsync(string id, int? timeoutMinutes = null) =>
        await Db.ScriptEvaluateAsync(Set, [DataKey(id), TimeoutKey(id)], [UninitializedCollection, (timeoutMinutes ?? sessionTimeoutMinutes) * 60]);

    /// <summary>The provider's lock age: <c>DateTime.Now - new DateTime(ticks)</c>, enormous for an unparsable value.</summary>
    public static TimeSpan LockAge(string? lockValue) =>
        long.TryParse(lockValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
            ? DateTime.Now - new DateTime(ticks)
            : TimeSpan.MaxValue;

    private static LegacyResult Parse(byte[] blob, string? lockId, string timeoutSeconds)
    {
        var items = SessionStateSerializer.DeserializeItems(blob);
        var initialize = items.ContainsKey("SessionStateActions");
        if (initialize)
        {
            items.Remove("SessionStateActions");
            items.Dirty = false;
        }

        return new LegacyResult(true, false, lockId, TimeSpan.Zero, items, initialize, int.Parse(timeoutSeconds, CultureInfo.InvariantCulture));
    }
}

public sealed record LegacyResult(bool Found, bool IsLocked, string? LockId, TimeSpan LockAge, SessionStateItemCollection? Items, bool InitializeItem, int TimeoutSeconds)
{
    public static LegacyResult NotFound { get; } = new(false, false, null, TimeSpan.Zero, null, false, -1);

    public static LegacyResult Locked(string lockId, TimeSpan age) => new(false, true, lockId, age, null, false, -1);
}
