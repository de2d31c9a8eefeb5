using SessionBridge.Legacy.Format;
using SessionBridge.Redis;
using SessionBridge.StateServer.Client;
using StackExchange.Redis;

namespace SessionBridge.StateServer.Redis;

/// <summary>
/// Serves [MS-ASP] from Redis in the layout of Microsoft.Web.RedisSessionStateProvider 5.x, the one SessionBridge's Redis
/// store reads, so items outlive the process and Core applications on that store see the same sessions. Every request
/// is one Redis round trip (<see cref="StateServerRedisScripts"/>), and the bytes a client sent are the bytes stored
/// and the bytes answered: nothing is decoded or re-encoded.
/// </summary>
/// <remarks>
/// <para>
/// A request's key, <c>appId(hash)/sessionId</c>, is split at its last <c>/</c>: the session's Redis keys are those of
/// the Redis store named <c>appId</c> (the part before <c>(hash)</c>), or of the configured name for every application.
/// A PUT's blob is split into its bare item collection (the data key) and, when present, its static objects section
/// (SessionBridge's own key); a GET joins them back behind the timeout header (<see cref="SessionBlobSections"/>).
/// </para>
/// <para>
/// Lock cookies: the Redis lock value is the provider's tick count; the cookie is the 31-bit FNV-1a hash of its bytes,
/// computed inside the scripts, so a restarted server recognises the locks granted before and a write, release or
/// delete with a cookie is checked against the current holder in the same atomic step.
/// </para>
/// <para>
/// Semantics follow <see cref="StateServerEngine"/>: 404/423/200 as Microsoft's server; an uninitialized PUT never
/// overwrites an item and the item reads with <c>ActionFlags: 1</c> until written; a write without a cookie does not
/// replace a locked item. Differences: <c>Timeout: 0</c> (never expires) is kept as one year, the provider layout's
/// longest; a lock expires after the configured lock timeout in Redis.
/// </para>
/// </remarks>
internal sealed class RedisStateServerBackend : IStateServerBackend
{
    private const int MaxSessionIdLength = 120;
    private const string StaticObjectsSuffix = "_SessionBridgeStaticObjects";

    private readonly StateServerRedis _redis;
    private readonly bool _ownsRedis;
    private readonly string? _applicationName;
    private readonly LegacySessionFormat _format;
    private readonly byte[] _uninitialized;
    private readonly TimeProvider _time;
    private readonly RedisValue _lockTtlSeconds;
    private long _lastLockValue;

    /// <param name="redis">The Redis connection.</param>
    /// <param name="applicationName">When set, every application uses this Redis store name instead of its own id.</param>
    /// <param name="lockTimeout">The lock's time to live in Redis (whole seconds).</param>
    /// <param name="format">Whether the clients compress blobs (the legacy <c>compressionEnabled</c>).</param>
    /// <param name="time">The clock for lock values and <c>LockDate</c>.</param>
    /// <param name="ownsRedis">Whether disposing this backend disposes <paramref name="redis"/>.</param>
    public RedisStateServerBackend(StateServerRedis redis, string? applicationName, TimeSpan lockTimeout, LegacySessionFormat format, TimeProvider time, bool ownsRedis = false)
    {
        _redis = redis;
        _ownsRedis = ownsRedis;
        _applicationName = string.IsNullOrWhiteSpace(applicationName) ? null : applicationName;
        _lockTtlSeconds = (long)lockTimeout.TotalSeconds;
        _format = format;
        _uninitialized = RedisUninitializedItem.CreateV5Blob(format);
        _time = time;
    }

    public int? Count => null;

    /// <summary>A lock value's cookie as the scripts compute it: FNV-1a over its UTF-8 bytes, masked to 31 bits.</summary>
    public static int Cookie(string lockValue)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(lockValue))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash & 0x7FFF_FFFF);
    }

    public async ValueTask<StateServerResponse> ProcessAsync(StateServerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Verb is not (StateServerVerb.Get or StateServerVerb.Put or StateServerVerb.Delete or StateServerVerb.Head))
        {
            return StateServerResponse.BadRequest($"The verb '{request.Method}' is not a state server verb (GET, PUT, DELETE, HEAD).");
        }

        if (!TrySplit(request.Key, out var application, out var sessionId))
        {
            return StateServerResponse.BadRequest("The request target must be the application's key prefix followed by '/' and a session id.");
        }

        var name = _applicationName ?? application;
        var keys = Keys(name, sessionId);
        return request.Verb switch
        {
            StateServerVerb.Get => await GetAsync(keys, name, sessionId, request, cancellationToken).ConfigureAwait(false),
            StateServerVerb.Put => await PutAsync(keys, name, sessionId, request, cancellationToken).ConfigureAwait(false),
            StateServerVerb.Delete => await DeleteAsync(keys, name, sessionId, request, cancellationToken).ConfigureAwait(false),
            _ => (long)(await _redis.EvaluateAsync(StateServerRedisScripts.Head, keys, [], cancellationToken).ConfigureAwait(false)) == 1
                ? StateServerResponse.Ok
                : StateServerResponse.NotFound,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsRedis)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static bool TrySplit(string key, out string application, out string sessionId)
    {
        application = string.Empty;
        sessionId = string.Empty;
        var slash = key.LastIndexOf('/');
        if (slash < 0 || slash == key.Length - 1 || key.Length - slash - 1 > MaxSessionIdLength)
        {
            return false;
        }

        sessionId = key[(slash + 1)..];
        if (sessionId.Any(char.IsControl))
        {
            return false;
        }

        // "/LM/W3SVC/1/ROOT/MyApp(hash)" → "/LM/W3SVC/1/ROOT/MyApp"
        var prefix = key[..slash];
        var open = prefix.EndsWith(')') ? prefix.LastIndexOf('(') : -1;
        application = open >= 0 ? prefix[..open] : prefix;
        if (application.Length == 0)
        {
            application = "/";
        }

        return true;
    }

    /// <summary>{lock, data, timeout, waiting, static objects} of the Redis store <paramref name="application"/>.</summary>
    internal static RedisKey[] Keys(string application, string sessionId)
    {
        var keys = RedisSessionKeys.Create(application, sessionId, RedisKeyLayout.V5);
        var data = (string)keys.Data!;
        var staticObjects = data[..data.LastIndexOf('}')] + "}" + StaticObjectsSuffix;
        return [keys.Lock, keys.Data, keys.Timeout, keys.Waiting, staticObjects];
    }

    private static RedisValue Channel(string application) => RedisSessionStoreDefaults.ChannelPrefix + application;

    private async ValueTask<StateServerResponse> GetAsync(RedisKey[] keys, string application, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
    {
        RedisValue mode;
        RedisValue releaseCookie = -1;
        switch (request.Exclusive)
        {
            case StateServerExclusive.Invalid:
                return StateServerResponse.BadRequest("The Exclusive header must be 'acquire' or 'release'.");
            case StateServerExclusive.Release:
                if (!request.LockCookie.IsNonNegativeInt32)
                {
                    return StateServerResponse.BadRequest("A release needs a Lock-Cookie header with a non-negative 32-bit number.");
                }

                mode = 2;
                releaseCookie = request.LockCookie.Value;
                break;
            case StateServerExclusive.Acquire:
                mode = 1;
                break;
            default:
                mode = 0;
                break;
        }

        RedisValue candidate = mode == 1 ? LegacyLockValue.Create(_time, null, ref _lastLockValue) : RedisValue.EmptyString;
        var reply = (RedisResult[])(await _redis.EvaluateAsync(
            StateServerRedisScripts.Get,
            keys,
            [mode, _lockTtlSeconds, candidate, releaseCookie, Channel(application), sessionId, _uninitialized],
            cancellationToken).ConfigureAwait(false))!;
        switch ((long)reply[0])
        {
            case 0:
                return StateServerResponse.NotFound;
            case 2:
                return Locked(reply);
            case 3:
                return (long)reply[1] == 1 ? new StateServerResponse { Status = 200, ActionFlags = true } : StateServerResponse.Ok;
        }

        var items = (byte[])reply[1]!;
        var seconds = (long)reply[2];
        var minutes = seconds > 0 ? (int)Math.Min(StateServerEngine.MaxTimeoutMinutes, (seconds + 59) / 60) : StateServerEngine.DefaultTimeoutMinutes;
        var uninitialized = items.AsSpan().SequenceEqual(_uninitialized);
        var staticObjects = reply[3].IsNull ? null : (byte[])reply[3]!;
        var cookie = (long)reply[4];
        return new StateServerResponse
        {
            Status = 200,
            Timeout = minutes,
            ActionFlags = uninitialized,
            LockCookie = cookie >= 0 ? (int)cookie : null,
            Body = SessionBlobSections.Join(minutes, uninitialized ? SessionBlobSections.EmptyItems : items, staticObjects, staticObjects is not null, _format.CompressionEnabled),
        };
    }

    private async ValueTask<StateServerResponse> PutAsync(RedisKey[] keys, string application, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength < 0)
        {
            return StateServerResponse.BadRequest("A PUT needs a Content-Length header.");
        }

        if (!request.Timeout.TryGetOptionalNonNegativeInt32(StateServerEngine.DefaultTimeoutMinutes, out var timeout) || timeout > StateServerEngine.MaxTimeoutMinutes)
        {
            return StateServerResponse.BadRequest($"The Timeout header must be a number of minutes from 0 to {StateServerEngine.MaxTimeoutMinutes}.");
        }

        if (!request.ExtraFlags.TryGetOptionalNonNegativeInt32(0, out var extraFlags))
        {
            return StateServerResponse.BadRequest("The ExtraFlags header must be a non-negative 32-bit number.");
        }

        if (!request.LockCookie.TryGetOptionalNonNegativeInt32(-1, out var cookie))
        {
            return StateServerResponse.BadRequest("The Lock-Cookie header must be a non-negative 32-bit number.");
        }

        var seconds = (timeout == 0 ? StateServerEngine.MaxTimeoutMinutes : timeout) * 60L;
        var uninitialized = (extraFlags & 1) != 0;
        ReadOnlyMemory<byte> items = ReadOnlyMemory<byte>.Empty;
        ReadOnlyMemory<byte> staticObjects = ReadOnlyMemory<byte>.Empty;
        var hasStaticObjects = false;
        if (!uninitialized)
        {
            try
            {
                SessionBlobSections.Split(request.Body, _format, out items, out staticObjects, out hasStaticObjects);
            }
            catch (LegacySessionFormatException ex)
            {
                return StateServerResponse.BadRequest("The body is not a System.Web session blob" + (_format.CompressionEnabled ? " (compressed, as StateServer:CompressionEnabled says)" : string.Empty) + ": " + ex.Message);
            }
        }

        var reply = (RedisResult[])(await _redis.EvaluateAsync(
            StateServerRedisScripts.Put,
            keys,
            [cookie, seconds, items, staticObjects, hasStaticObjects ? 1 : 0, Channel(application), sessionId, uninitialized ? 1 : 0, _uninitialized],
            cancellationToken).ConfigureAwait(false))!;
        return (long)reply[0] == 1 ? StateServerResponse.Ok : Locked(reply);
    }

    private async ValueTask<StateServerResponse> DeleteAsync(RedisKey[] keys, string application, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
    {
        if (!request.LockCookie.TryGetOptionalNonNegativeInt32(-1, out var cookie))
        {
            return StateServerResponse.BadRequest("The Lock-Cookie header must be a non-negative 32-bit number.");
        }

        var reply = (RedisResult[])(await _redis.EvaluateAsync(
            StateServerRedisScripts.Delete, keys, [cookie, Channel(application), sessionId], cancellationToken).ConfigureAwait(false))!;
        return (long)reply[0] switch
        {
            0 => StateServerResponse.NotFound,
            1 => StateServerResponse.Ok,
            _ => Locked(reply),
        };
    }

    /// <summary>The 423 answer from a script's {2, holder's cookie, holder's lock value}.</summary>
    private StateServerResponse Locked(RedisResult[] reply)
    {
        var age = LegacyLockValue.Age((string?)reply[2], _time);
        return new StateServerResponse
        {
            Status = 423,
            LockCookie = (int)(long)reply[1],
            LockAge = (long)age.TotalSeconds,
            LockDate = TimeZoneInfo.ConvertTime(_time.GetUtcNow() - age, _time.LocalTimeZone).DateTime.Ticks,
        };
    }
}
