namespace SessionBridge.StateServer.Redis;

/// <summary>
/// The Lua scripts of the Redis-backed state server: one per state server request, so every request is one atomic Redis
/// round trip that returns the lock state and the stored bytes together.
/// </summary>
/// <remarks>
/// <para>
/// [MS-ASP] scripts work on the keys of Microsoft.Web.RedisSessionStateProvider 5.x, as SessionBridge's Redis store
/// reads and writes them (<c>SessionBridge.Redis.RedisSessionKeys</c>): <c>KEYS</c> = {lock, data, timeout, waiting,
/// static objects}. The data key holds the bare item collection exactly as the client sent it inside its blob; the
/// timeout key holds seconds; the lock value is the provider's tick count. The fifth key,
/// <c>{…}_SessionBridgeStaticObjects</c>, is SessionBridge's own: the blob's static objects section, kept as sent, present
/// only when a client sent one (the provider layout has no place for it). A lock cookie is the 31-bit FNV-1a hash of
/// the lock value's bytes, computed here and only here, so nothing is kept in the server process and a restarted
/// server recognises the locks it granted before.
/// </para>
/// <para>
/// The Mono scripts work on one HASH per session, <c>KEYS[1]</c> = <c>MonoStateServer:&lt;prefix&gt;&lt;id&gt;</c>, with
/// the fields of Mono's <c>StateServerItem</c>: <c>d</c> collection data and <c>s</c> static objects data (as sent; a
/// missing field is null), <c>t</c> timeout minutes, <c>l</c> lock id, <c>k</c> locked (0/1), <c>kt</c> lock time and
/// <c>la</c> last access (UTC ticks, as strings: Lua numbers cannot hold ticks exactly), <c>a</c> actions. The key's TTL
/// is the timeout, re-armed by every lookup (Mono's sliding expiration); a timeout of 0 or less never expires.
/// </para>
/// </remarks>
internal static class StateServerRedisScripts
{
    // FNV-1a 32 over the value's bytes, masked to 31 bits. Multiplication modulo 2^32 is split so every intermediate
    // stays below 2^53 (exact in Lua's doubles): h * 16777619 = (h mod 256) * 2^24 + h * 403 (mod 2^32).
    private const string CookieFunction = """
        local function cookie(v)
          local h = 2166136261
          for i = 1, #v do
            h = bit.bxor(h, string.byte(v, i)) % 4294967296
            h = ((h % 256) * 16777216 + h * 403) % 4294967296
          end
          return h % 2147483648
        end
        """;

    // Re-arms the data, timeout and static objects keys from the stored timeout; yields the timeout or -1.
    private const string Rearm = """
        local function rearm()
          local t = redis.call('GET', KEYS[3])
          if t then
            redis.call('EXPIRE', KEYS[2], t)
            redis.call('EXPIRE', KEYS[3], t)
            redis.call('EXPIRE', KEYS[5], t)
            return tonumber(t)
          end
          return -1
        end
        """;

    // Deletes the lock and publishes the session id when a SessionBridge request waits for it (the Redis store's protocol).
    private const string Unlock = """
        local function unlock()
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[4]) == 1 then
            redis.call('PUBLISH', ARGV[5], ARGV[6])
          end
        end
        """;

    /// <summary>
    /// GET. ARGV = {mode (0 read, 1 acquire, 2 release), lock TTL seconds, candidate lock value, cookie to release,
    /// channel, session id, the uninitialized item's bytes}. Returns {0} (no item); {2, holder's cookie, holder's lock
    /// value} (locked by someone else); {1, items, timeout seconds or -1, static objects or nil, new cookie or -1}
    /// (found); {3, 1 when the item is the uninitialized one} (released).
    /// </summary>
    public const string Get = CookieFunction + "\n" + Rearm + "\n" + Unlock + "\n" + """
        local lock = redis.call('GET', KEYS[1])
        if ARGV[1] == '2' then
          if lock then
            if cookie(lock) ~= tonumber(ARGV[4]) then
              rearm()
              return { 2, cookie(lock), lock }
            end
            unlock()
          end
          local data = redis.call('GET', KEYS[2])
          if not data then
            if lock then
              return { 3, 0 }
            end
            return { 0 }
          end
          rearm()
          if data == ARGV[7] then
            return { 3, 1 }
          end
          return { 3, 0 }
        end
        if lock then
          redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
          rearm()
          return { 2, cookie(lock), lock }
        end
        local data = redis.call('GET', KEYS[2])
        if not data then
          return { 0 }
        end
        local newCookie = -1
        if ARGV[1] == '1' then
          redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[2])
          newCookie = cookie(ARGV[3])
        end
        local t = rearm()
        return { 1, data, t, redis.call('GET', KEYS[5]), newCookie }
        """;

    /// <summary>
    /// PUT. ARGV = {cookie or -1, timeout seconds, items, static objects, 1 when there are static objects, channel,
    /// session id, 1 for an uninitialized item, the uninitialized item's bytes}. An uninitialized item is written only
    /// where there is none; otherwise a locked item is written only with its holder's cookie (and then unlocked), an
    /// unlocked one whatever the cookie. Returns {1} (written or, uninitialized, kept) or {2, holder's cookie, holder's
    /// lock value}.
    /// </summary>
    public const string Put = CookieFunction + "\n" + """
        if ARGV[8] == '1' then
          if redis.call('EXISTS', KEYS[2]) == 0 then
            redis.call('SET', KEYS[2], ARGV[9], 'EX', ARGV[2])
            redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[2])
            redis.call('DEL', KEYS[5])
          end
          return { 1 }
        end
        local lock = redis.call('GET', KEYS[1])
        if lock and (ARGV[1] == '-1' or cookie(lock) ~= tonumber(ARGV[1])) then
          return { 2, cookie(lock), lock }
        end
        redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
        redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[2])
        if ARGV[5] == '1' then
          redis.call('SET', KEYS[5], ARGV[4], 'EX', ARGV[2])
        else
          redis.call('DEL', KEYS[5])
        end
        if lock then
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[4]) == 1 then
            redis.call('PUBLISH', ARGV[6], ARGV[7])
          end
        end
        return { 1 }
        """;

    /// <summary>
    /// DELETE. ARGV = {cookie or -1, channel, session id}. Returns {0} (no item), {2, holder's cookie, holder's lock value}
    /// (locked and the cookie missing or another), or {1} (removed).
    /// </summary>
    public const string Delete = CookieFunction + "\n" + """
        local lock = redis.call('GET', KEYS[1])
        if lock then
          if ARGV[1] == '-1' or cookie(lock) ~= tonumber(ARGV[1]) then
            return { 2, cookie(lock), lock }
          end
        elseif redis.call('EXISTS', KEYS[2]) == 0 then
          return { 0 }
        end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[5])
        if lock then
          redis.call('DEL', KEYS[1])
          if redis.call('DEL', KEYS[4]) == 1 then
            redis.call('PUBLISH', ARGV[2], ARGV[3])
          end
        end
        return { 1 }
        """;

    /// <summary>HEAD. No ARGV. Returns 1 when the item exists or is locked (re-arming its TTLs), else 0.</summary>
    public const string Head = Rearm + "\n" + """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return 1
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          return 0
        end
        rearm()
        return 1
        """;

    /// <summary>The cookie of ARGV[1] (for tests: the Lua hash equals <see cref="RedisStateServerBackend.Cookie"/>).</summary>
    public const string CookieOf = CookieFunction + "\n" + """
        return cookie(ARGV[1])
        """;

    // Mono: slides the key's TTL from the stored timeout and notes the access (ARGV[2] is always "now" in ticks).
    private const string MonoTouch = """
        local function touch(t)
          t = tonumber(t)
          if t and t > 0 then
            redis.call('EXPIRE', KEYS[1], math.min(t, 5256000) * 60)
          else
            redis.call('PERSIST', KEYS[1])
          end
          redis.call('HSET', KEYS[1], 'la', ARGV[2])
        end
        """;

    /// <summary>
    /// Mono <c>GetItem</c>. ARGV = {1 to lock, now}. Returns {0} (no item); {2, lock id, lock time} (locked);
    /// {1, collection data, static objects data, timeout, lock id, locked, lock time, actions, lock id for the caller or
    /// nil} (found; locked for the caller with lock id + 1 when asked).
    /// </summary>
    public const string MonoGetItem = MonoTouch + "\n" + """
        local h = redis.call('HMGET', KEYS[1], 'd', 's', 't', 'l', 'k', 'kt', 'a')
        if not h[3] then
          return { 0 }
        end
        touch(h[3])
        if h[5] == '1' then
          return { 2, h[4], h[6] }
        end
        local mine = false
        if ARGV[1] == '1' then
          local id = tonumber(h[4]) or 0
          if id >= 2147483647 then
            id = -2147483648
          else
            id = id + 1
          end
          mine = tostring(id)
          redis.call('HSET', KEYS[1], 'l', mine, 'k', '1', 'kt', ARGV[2])
          h[4] = mine
          h[5] = '1'
          h[6] = ARGV[2]
        end
        return { 1, h[1], h[2], h[3], h[4], h[5], h[6], h[7], mine }
        """;

    /// <summary>
    /// Mono <c>SetAndReleaseItemExclusive</c>. ARGV = {1 for a new item, now, lock id, 1 when there is collection data,
    /// collection data, 1 when there are static objects, static objects data, timeout}. An existing item (not
    /// <c>newItem</c>) is replaced only when its lock id is the caller's; otherwise a new unlocked item carries the
    /// caller's lock id. Returns 1 when it wrote.
    /// </summary>
    public const string MonoSetAndRelease = MonoTouch + "\n" + """
        if ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 1 then
          if redis.call('HGET', KEYS[1], 'l') ~= ARGV[3] then
            touch(redis.call('HGET', KEYS[1], 't'))
            return 0
          end
        else
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], 'l', ARGV[3], 'kt', '0')
        end
        if ARGV[4] == '1' then
          redis.call('HSET', KEYS[1], 'd', ARGV[5])
        else
          redis.call('HDEL', KEYS[1], 'd')
        end
        if ARGV[6] == '1' then
          redis.call('HSET', KEYS[1], 's', ARGV[7])
        else
          redis.call('HDEL', KEYS[1], 's')
        end
        redis.call('HSET', KEYS[1], 't', ARGV[8], 'a', '0', 'k', '0')
        touch(ARGV[8])
        return 1
        """;

    /// <summary>Mono <c>ReleaseItemExclusive</c>. ARGV = {lock id or "", now}. Unlocks when the lock id matches.</summary>
    public const string MonoRelease = MonoTouch + "\n" + """
        local h = redis.call('HMGET', KEYS[1], 't', 'l')
        if not h[1] then
          return 0
        end
        touch(h[1])
        if h[2] == ARGV[1] then
          redis.call('HSET', KEYS[1], 'k', '0')
          return 1
        end
        return 0
        """;

    /// <summary>Mono <c>Remove</c>: deletes the item whatever its lock (Mono ignores the lock id).</summary>
    public const string MonoRemove = """
        redis.call('DEL', KEYS[1])
        return 1
        """;

    /// <summary>Mono <c>ResetItemTimeout</c>. ARGV = {unused, now}. Slides the expiry of an existing item.</summary>
    public const string MonoResetTimeout = MonoTouch + "\n" + """
        local t = redis.call('HGET', KEYS[1], 't')
        if not t then
          return 0
        end
        touch(t)
        return 1
        """;

    /// <summary>
    /// Mono <c>CreateUninitializedItem</c>. ARGV = {timeout, now}. Creates an unlocked item with no data and
    /// <c>InitializeItem</c>, only where there is none (Mono's server would overwrite a live session).
    /// </summary>
    public const string MonoCreateUninitialized = MonoTouch + "\n" + """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return 0
        end
        redis.call('HSET', KEYS[1], 't', ARGV[1], 'a', '1', 'l', '-2147483648', 'k', '0', 'kt', '0')
        touch(ARGV[1])
        return 1
        """;
}
