using System.Globalization;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.StateServer.Remoting;
using StackExchange.Redis;

namespace SessionBridge.StateServer.Redis;

/// <summary>
/// asp-state4's storage on Redis: Mono's <c>RemoteStateServer</c> semantics, as <see cref="MonoStateServerEngine"/> has
/// them in memory, so a restart of the server loses nothing. Each call is one atomic script
/// (<see cref="StateServerRedisScripts"/>); an item is one HASH keyed <c>MonoStateServer:&lt;prefix&gt;&lt;id&gt;</c> (the
/// bare session id by default, every application sharing one namespace as on Mono's server) holding the collection
/// and static objects data exactly as the client sent them, never decoded.
/// </summary>
internal sealed class RedisMonoStateServerBackend : IMonoStateServerBackend
{
    /// <summary>The Redis key prefix of every Mono item.</summary>
    public const string KeyPrefix = "MonoStateServer:";

    private readonly StateServerRedis _redis;
    private readonly string? _keyPrefix;
    private readonly TimeProvider _time;

    /// <param name="redis">The Redis connection (owned by the caller).</param>
    /// <param name="keyPrefix">Put before every session id (<c>StateServer:MonoKeyPrefix</c>); none by default.</param>
    /// <param name="time">The clock for lock and access times.</param>
    public RedisMonoStateServerBackend(StateServerRedis redis, string? keyPrefix, TimeProvider time)
    {
        _redis = redis;
        _keyPrefix = keyPrefix;
        _time = time;
    }

    /// <summary>The Redis key of a session's item.</summary>
    public static string Key(string? keyPrefix, string sessionId) => KeyPrefix + keyPrefix + sessionId;

    public async ValueTask<MonoStateServerReply?> ProcessAsync(MonoStateServerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        RedisKey[] keys = [Key(_keyPrefix, call.SessionId)];
        var nowTicks = _time.GetUtcNow().UtcTicks;
        RedisValue now = nowTicks;
        switch (call.Method)
        {
            case MonoStateServerMethod.GetItem:
                var reply = (RedisResult[])(await _redis.EvaluateAsync(StateServerRedisScripts.MonoGetItem, keys, [call.Exclusive ? 1 : 0, now], cancellationToken).ConfigureAwait(false))!;
                return Reply(reply, nowTicks);
            case MonoStateServerMethod.SetAndReleaseItemExclusive:
                await _redis.EvaluateAsync(
                    StateServerRedisScripts.MonoSetAndRelease,
                    keys,
                    [
                        call.NewItem ? 1 : 0, now, call.LockId ?? int.MinValue,
                        call.CollectionData is null ? 0 : 1, call.CollectionData ?? [],
                        call.StaticObjectsData is null ? 0 : 1, call.StaticObjectsData ?? [],
                        call.Timeout,
                    ],
                    cancellationToken).ConfigureAwait(false);
                return null;
            case MonoStateServerMethod.ReleaseItemExclusive:
                await _redis.EvaluateAsync(StateServerRedisScripts.MonoRelease, keys, [call.LockId is { } id ? id : RedisValue.EmptyString, now], cancellationToken).ConfigureAwait(false);
                return null;
            case MonoStateServerMethod.Remove:
                await _redis.EvaluateAsync(StateServerRedisScripts.MonoRemove, keys, [], cancellationToken).ConfigureAwait(false);
                return null;
            case MonoStateServerMethod.ResetItemTimeout:
                await _redis.EvaluateAsync(StateServerRedisScripts.MonoResetTimeout, keys, [RedisValue.EmptyString, now], cancellationToken).ConfigureAwait(false);
                return null;
            default:
                await _redis.EvaluateAsync(StateServerRedisScripts.MonoCreateUninitialized, keys, [call.Timeout, now], cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static MonoStateServerReply Reply(RedisResult[] reply, long nowTicks)
    {
        var now = new DateTime(nowTicks, DateTimeKind.Utc);
        switch ((long)reply[0])
        {
            case 0:
                return new MonoStateServerReply();
            case 2:
                var lockedTime = Ticks(reply[2]);
                return new MonoStateServerReply { Locked = true, LockAge = lockedTime <= now ? now - lockedTime : TimeSpan.Zero, LockId = Int32(reply[1]) };
        }

        var lockId = Int32(reply[4]);
        var action = (SessionStateActions)Int32(reply[7]);
        return new MonoStateServerReply
        {
            LockId = reply[8].IsNull ? int.MinValue : Int32(reply[8]),
            Actions = action,
            Item = new MonoStateServerItem
            {
                CollectionData = reply[1].IsNull ? null : (byte[])reply[1]!,
                StaticObjectsData = reply[2].IsNull ? null : (byte[])reply[2]!,
                LastAccess = now,
                Timeout = Int32(reply[3]),
                LockId = lockId,
                Locked = (string?)reply[5] == "1",
                LockedTime = Ticks(reply[6]),
                Action = action,
            },
        };
    }

    private static int Int32(RedisResult value) =>
        int.TryParse((string?)value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new LegacySessionFormatException("A Mono state server item in Redis holds a field that is not a 32-bit number.");

    private static DateTime Ticks(RedisResult value) =>
        long.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : throw new LegacySessionFormatException("A Mono state server item in Redis holds a time that is not a tick count.");
}
