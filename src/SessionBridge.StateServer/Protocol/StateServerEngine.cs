using System.Collections.Concurrent;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// Microsoft's state server semantics per request (../spec/state-server-protocol.md §3.6, the managed
/// <c>StateApplication</c> of the reference source), over an in-memory store with sliding expiration.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>GET: 404 when missing. A pending uninitialized flag is cleared and reported once as <c>ActionFlags: 1</c>.
/// Release needs a non-negative <c>Lock-Cookie</c> (400 otherwise): same cookie unlocks (200), another gives 423,
/// an unlocked item gives 200. Otherwise a locked item gives 423 with <c>LockDate</c>, <c>LockAge</c>,
/// <c>LockCookie</c>; acquire locks it with cookie + 1; 200 carries <c>Timeout</c> and the blob.</item>
/// <item>PUT: <c>Timeout</c> 0..525600 (default 20), <c>ExtraFlags</c> and <c>Lock-Cookie</c> non-negative, else 400.
/// Existing item: <c>ExtraFlags</c> bit 1 is ignored with 200 (an uninitialized item never overwrites one);
/// locked and the cookie missing or different gives 423; same timeout replaces the bytes and unlocks; another
/// timeout re-creates the item unlocked with the client's cookie. A new item starts unlocked with cookie 1.</item>
/// <item>DELETE: 404 when missing; locked and the cookie missing or different gives 423; else removed.</item>
/// <item>HEAD: 404 when missing, else 200. Every lookup slides the expiry. Other verbs: 400.</item>
/// </list>
/// </remarks>
internal sealed class StateServerEngine : IDisposable
{
    /// <summary>One year: System.Web's <c>MAX_CACHE_BASED_TIMEOUT_MINUTES</c>.</summary>
    public const int MaxTimeoutMinutes = 525_600;

    public const int DefaultTimeoutMinutes = 20;

    private readonly ConcurrentDictionary<string, StateItem> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;

    public StateServerEngine(TimeProvider time, TimeSpan? sweepInterval = null)
    {
        _time = time;
        var interval = sweepInterval ?? TimeSpan.FromMinutes(1);
        if (interval > TimeSpan.Zero)
        {
            _sweeper = time.CreateTimer(static state => ((StateServerEngine)state!).RemoveExpired(), this, interval, interval);
        }
    }

    /// <summary>How many items are stored (expired ones until the next sweep included).</summary>
    public int Count => _items.Count;

    public StateServerResponse Process(StateServerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Verb switch
        {
            StateServerVerb.Get => Get(request),
            StateServerVerb.Put => Put(request),
            StateServerVerb.Delete => Delete(request),
            StateServerVerb.Head => Head(request),
            _ => StateServerResponse.BadRequest($"The verb '{request.Method}' is not a state server verb (GET, PUT, DELETE, HEAD)."),
        };
    }

    /// <summary>Removes every expired item (also done by a timer every sweep interval).</summary>
    public void RemoveExpired()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var pair in _items)
        {
            var item = pair.Value;
            lock (item)
            {
                if (!item.Removed && item.ExpiresAtUtcTicks <= now)
                {
                    RemoveLocked(pair.Key, item);
                }
            }
        }
    }

    public void Dispose() => _sweeper?.Dispose();

    private StateServerResponse Get(StateServerRequest request)
    {
        if (request.Exclusive == StateServerExclusive.Invalid)
        {
            return StateServerResponse.BadRequest("The Exclusive header must be 'acquire' or 'release'.");
        }

        var cookie = 0;
        if (request.Exclusive == StateServerExclusive.Release && !request.LockCookie.IsNonNegativeInt32)
        {
            return StateServerResponse.BadRequest("A release needs a Lock-Cookie header with a non-negative 32-bit number.");
        }
        else if (request.Exclusive == StateServerExclusive.Release)
        {
            cookie = (int)request.LockCookie.Value;
        }

        return WithLiveItem(request.Key, (Engine: this, Request: request, Cookie: cookie), static (item, now, state) =>
        {
            item.Touch(now);
            var actionFlags = (item.ExtraFlags & 1) != 0;
            if (actionFlags)
            {
                item.ExtraFlags &= ~1;
            }

            if (state.Request.Exclusive == StateServerExclusive.Release)
            {
                if (item.Locked && item.LockCookie != state.Cookie)
                {
                    return state.Engine.Locked(item, now, actionFlags);
                }

                item.Locked = false;
                return actionFlags ? new StateServerResponse { Status = 200, ActionFlags = true } : StateServerResponse.Ok;
            }

            if (item.Locked)
            {
                return state.Engine.Locked(item, now, actionFlags);
            }

            int? newCookie = null;
            if (state.Request.Exclusive == StateServerExclusive.Acquire)
            {
                item.Locked = true;
                item.LockDateUtc = now;
                item.LockCookie = unchecked(item.LockCookie + 1);
                newCookie = item.LockCookie;
            }

            return new StateServerResponse
            {
                Status = 200,
                Timeout = item.TimeoutMinutes,
                ActionFlags = actionFlags,
                LockCookie = newCookie,
                Body = item.Data,
            };
        });
    }

    private StateServerResponse Put(StateServerRequest request)
    {
        if (request.ContentLength < 0)
        {
            return StateServerResponse.BadRequest("A PUT needs a Content-Length header.");
        }

        if (!request.Timeout.TryGetOptionalNonNegativeInt32(DefaultTimeoutMinutes, out var timeout) || timeout > MaxTimeoutMinutes)
        {
            return StateServerResponse.BadRequest($"The Timeout header must be a number of minutes from 0 to {MaxTimeoutMinutes}.");
        }

        if (!request.ExtraFlags.TryGetOptionalNonNegativeInt32(0, out var extraFlags))
        {
            return StateServerResponse.BadRequest("The ExtraFlags header must be a non-negative 32-bit number.");
        }

        if (!request.LockCookie.TryGetOptionalNonNegativeInt32(-1, out var cookie))
        {
            return StateServerResponse.BadRequest("The Lock-Cookie header must be a non-negative 32-bit number.");
        }

        var key = request.Key;
        while (true)
        {
            var now = _time.GetUtcNow();
            if (!_items.TryGetValue(key, out var item))
            {
                var created = new StateItem
                {
                    Data = request.Body,
                    TimeoutMinutes = timeout,
                    ExtraFlags = extraFlags,
                    LockCookie = 1,
                };
                created.Touch(now);
                if (_items.TryAdd(key, created))
                {
                    return StateServerResponse.Ok;
                }

                continue;
            }

            lock (item)
            {
                if (item.Removed)
                {
                    continue;
                }

                if (item.ExpiresAtUtcTicks <= now.UtcTicks)
                {
                    RemoveLocked(key, item);
                    continue;
                }

                item.Touch(now);
                if ((extraFlags & 1) != 0)
                {
                    return StateServerResponse.Ok;
                }

                if (item.Locked && (cookie == -1 || cookie != item.LockCookie))
                {
                    return Locked(item, now, actionFlags: false);
                }

                if (item.TimeoutMinutes != timeout)
                {
                    item.LockCookie = cookie;
                    item.TimeoutMinutes = timeout;
                }

                item.Data = request.Body;
                item.ExtraFlags = extraFlags;
                item.Locked = false;
                item.Touch(now);
                return StateServerResponse.Ok;
            }
        }
    }

    private StateServerResponse Delete(StateServerRequest request)
    {
        if (!request.LockCookie.TryGetOptionalNonNegativeInt32(-1, out var cookie))
        {
            return StateServerResponse.BadRequest("The Lock-Cookie header must be a non-negative 32-bit number.");
        }

        return WithLiveItem(request.Key, (Engine: this, Key: request.Key, Cookie: cookie), static (item, now, state) =>
        {
            if (item.Locked && (state.Cookie == -1 || state.Cookie != item.LockCookie))
            {
                item.Touch(now);
                return state.Engine.Locked(item, now, actionFlags: false);
            }

            state.Engine.RemoveLocked(state.Key, item);
            return StateServerResponse.Ok;
        });
    }

    private StateServerResponse Head(StateServerRequest request) =>
        WithLiveItem(request.Key, 0, static (item, now, _) =>
        {
            item.Touch(now);
            return StateServerResponse.Ok;
        });

    /// <summary>
    /// Runs <paramref name="action"/> on the item stored under <paramref name="key"/> while holding its lock, if the item
    /// exists and has not expired (an expired item is removed); otherwise answers 404. An item removed by another
    /// request between the lookup and the lock is looked up again.
    /// </summary>
    private StateServerResponse WithLiveItem<TState>(string key, TState state, Func<StateItem, DateTimeOffset, TState, StateServerResponse> action)
    {
        while (true)
        {
            var now = _time.GetUtcNow();
            if (!_items.TryGetValue(key, out var item))
            {
                return StateServerResponse.NotFound;
            }

            lock (item)
            {
                if (item.Removed)
                {
                    continue;
                }

                if (item.ExpiresAtUtcTicks <= now.UtcTicks)
                {
                    RemoveLocked(key, item);
                    return StateServerResponse.NotFound;
                }

                return action(item, now, state);
            }
        }
    }

    private StateServerResponse Locked(StateItem item, DateTimeOffset now, bool actionFlags)
    {
        var age = now - item.LockDateUtc;
        var local = TimeZoneInfo.ConvertTime(item.LockDateUtc, _time.LocalTimeZone);
        return new StateServerResponse
        {
            Status = 423,
            LockCookie = item.LockCookie,
            LockAge = age <= TimeSpan.Zero ? 0 : (long)age.TotalSeconds,
            LockDate = local.DateTime.Ticks,
            ActionFlags = actionFlags,
        };
    }

    private void RemoveLocked(string key, StateItem item)
    {
        item.Removed = true;
        _items.TryRemove(new KeyValuePair<string, StateItem>(key, item));
    }
}
