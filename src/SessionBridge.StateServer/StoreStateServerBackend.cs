using System.Collections.Concurrent;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// Serves the state server protocol from a SessionBridge store (e.g. <see cref="SessionBridge.Redis.RedisSessionStore"/>),
/// so items outlive the process and Core applications on the same store see the same sessions.
/// </summary>
/// <remarks>
/// <para>
/// A request's key, <c>appId(hash)/sessionId</c>, is split at its last <c>/</c>: the session id goes to the store of the
/// application <c>appId</c> (the part before <c>(hash)</c>, or the configured name for every application). The body,
/// the full System.Web blob, is converted with <see cref="SessionStateSerializer"/> to the store's own layout (for
/// Redis, the provider v5 layout: the bare item collection and the timeout key) and back.
/// </para>
/// <para>
/// Lock cookies: a store's lock id is a string (for Redis, the legacy provider's tick count), a cookie a 32-bit number.
/// The cookie is a stable hash of the lock id, so nothing is kept in this process and a restarted server still
/// recognises the locks granted before: a release, write or delete that carries a cookie first reads the current
/// holder and proceeds with the holder's lock id only when its hash is the cookie (the store's operation is itself
/// conditional on that lock id, so a lock that changes in between is never overwritten).
/// </para>
/// <para>
/// Semantics follow <see cref="StateServerEngine"/>: 404/423/200 as Microsoft's server, <c>ActionFlags: 1</c> once for
/// an uninitialized item, an uninitialized PUT never overwrites an item, a write without a cookie (a new item) does not replace a locked one. Differences:
/// <c>Timeout: 0</c> (never expires) is kept as one year, the store's longest; HEAD reads the item to tell 404 from 200.
/// </para>
/// </remarks>
internal sealed class StoreStateServerBackend : IStateServerBackend
{
    /// <summary>The most applications (stores) one server keeps, so a hostile peer cannot open stores without bound.</summary>
    public const int MaxApplications = 64;

    private const int MaxSessionIdLength = 120;

    private readonly Func<string, ILegacySessionStore> _createStore;
    private readonly string? _applicationName;
    private readonly LegacySessionFormat _format;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<ILegacySessionStore>> _stores = new(StringComparer.Ordinal);

    /// <param name="createStore">Creates the store of one application name.</param>
    /// <param name="applicationName">When set, every application uses this store name instead of its own id.</param>
    /// <param name="format">How the clients encode sessions (the legacy <c>compressionEnabled</c> included).</param>
    /// <param name="time">The clock for <c>LockDate</c>.</param>
    public StoreStateServerBackend(Func<string, ILegacySessionStore> createStore, string? applicationName, LegacySessionFormat format, TimeProvider time)
    {
        _time = time;
        _createStore = createStore;
        _applicationName = string.IsNullOrWhiteSpace(applicationName) ? null : applicationName;
        _format = format;
    }

    public int? Count => null;

    /// <summary>A lock id's cookie: a stable, non-negative 32-bit FNV-1a hash.</summary>
    public static int Cookie(string lockId)
    {
        var hash = 2166136261u;
        foreach (var c in lockId)
        {
            hash = unchecked((hash ^ c) * 16777619u);
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

        var store = StoreFor(application);
        if (store is null)
        {
            return StateServerResponse.BadRequest($"More than {MaxApplications} applications use this state server; set StateServer:RedisApplicationName to share one store name.");
        }

        return request.Verb switch
        {
            StateServerVerb.Get => await GetAsync(store, sessionId, request, cancellationToken).ConfigureAwait(false),
            StateServerVerb.Put => await PutAsync(store, sessionId, request, cancellationToken).ConfigureAwait(false),
            StateServerVerb.Delete => await DeleteAsync(store, sessionId, request, cancellationToken).ConfigureAwait(false),
            _ => (await store.GetItemAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false)).Status == SessionStoreStatus.NotFound
                ? StateServerResponse.NotFound
                : StateServerResponse.Ok,
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores.Values)
        {
            if (!store.IsValueCreated)
            {
                continue;
            }

            if (store.Value is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (store.Value is IDisposable disposable)
            {
                disposable.Dispose();
            }
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

    private ILegacySessionStore? StoreFor(string application)
    {
        var name = _applicationName ?? application;
        if (_stores.TryGetValue(name, out var existing))
        {
            return existing.Value;
        }

        if (_stores.Count >= MaxApplications)
        {
            return null;
        }

        return _stores.GetOrAdd(name, n => new Lazy<ILegacySessionStore>(() => _createStore(n))).Value;
    }

    private async ValueTask<StateServerResponse> GetAsync(ILegacySessionStore store, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
    {
        switch (request.Exclusive)
        {
            case StateServerExclusive.Invalid:
                return StateServerResponse.BadRequest("The Exclusive header must be 'acquire' or 'release'.");
            case StateServerExclusive.Release:
                if (!request.LockCookie.IsNonNegativeInt32)
                {
                    return StateServerResponse.BadRequest("A release needs a Lock-Cookie header with a non-negative 32-bit number.");
                }

                var current = await store.GetItemAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
                if (current.Status == SessionStoreStatus.NotFound)
                {
                    return StateServerResponse.NotFound;
                }

                if (current.Status == SessionStoreStatus.Locked)
                {
                    if (Cookie(current.LockId!) != (int)request.LockCookie.Value)
                    {
                        return Locked(current);
                    }

                    await store.ReleaseItemExclusiveAsync(sessionId, current.LockId!, cancellationToken).ConfigureAwait(false);
                }

                return (current.Actions & SessionStateActions.InitializeItem) != 0 ? new StateServerResponse { Status = 200, ActionFlags = true } : StateServerResponse.Ok;
            default:
                var exclusive = request.Exclusive == StateServerExclusive.Acquire;
                var result = await store.GetItemAsync(sessionId, exclusive, cancellationToken).ConfigureAwait(false);
                return result.Status switch
                {
                    SessionStoreStatus.NotFound => StateServerResponse.NotFound,
                    SessionStoreStatus.Locked => Locked(result),
                    _ => new StateServerResponse
                    {
                        Status = 200,
                        Timeout = result.Data!.Timeout,
                        ActionFlags = (result.Actions & SessionStateActions.InitializeItem) != 0,
                        LockCookie = exclusive && result.LockId is { } lockId ? Cookie(lockId) : null,
                        Body = _format.Serialize(result.Data),
                    },
                };
        }
    }

    private async ValueTask<StateServerResponse> PutAsync(ILegacySessionStore store, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
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

        var storeTimeout = timeout == 0 ? StateServerEngine.MaxTimeoutMinutes : timeout;
        if ((extraFlags & 1) != 0)
        {
            // An uninitialized item never overwrites an existing one (the store's CreateUninitializedItem).
            await store.CreateUninitializedItemAsync(sessionId, storeTimeout, cancellationToken).ConfigureAwait(false);
            return StateServerResponse.Ok;
        }

        SessionStateData data;
        try
        {
            data = _format.Deserialize(request.Body);
        }
        catch (LegacySessionFormatException ex)
        {
            return StateServerResponse.BadRequest("The body is not a System.Web session blob" + (_format.CompressionEnabled ? " (compressed, as StateServer:CompressionEnabled says)" : string.Empty) + ": " + ex.Message);
        }

        data.Timeout = storeTimeout;
        var current = await store.GetItemAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
        if (current.Status == SessionStoreStatus.Locked && cookie == -1)
        {
            // A write without a cookie never replaces a locked item.
            return Locked(current);
        }

        if (current.Status != SessionStoreStatus.Locked)
        {
            // Not locked (or gone): Microsoft's server writes, whatever the cookie.
            await store.SetAndReleaseItemExclusiveAsync(sessionId, data, lockId: null, newItem: true, cancellationToken).ConfigureAwait(false);
            return StateServerResponse.Ok;
        }

        if (Cookie(current.LockId!) != cookie)
        {
            return Locked(current);
        }

        if (await store.SetAndReleaseItemExclusiveAsync(sessionId, data, current.LockId, newItem: false, cancellationToken).ConfigureAwait(false))
        {
            return StateServerResponse.Ok;
        }

        // The lock changed between the read and the write: report the new holder, write nothing.
        var now = await store.GetItemAsync(sessionId, exclusive: false, cancellationToken).ConfigureAwait(false);
        return now.Status == SessionStoreStatus.Locked ? Locked(now) : new StateServerResponse { Status = 423, LockCookie = 0, LockAge = 0, LockDate = 0 };
    }

    private async ValueTask<StateServerResponse> DeleteAsync(ILegacySessionStore store, string sessionId, StateServerRequest request, CancellationToken cancellationToken)
    {
        if (!request.LockCookie.TryGetOptionalNonNegativeInt32(-1, out var cookie))
        {
            return StateServerResponse.BadRequest("The Lock-Cookie header must be a non-negative 32-bit number.");
        }

        var current = await store.GetItemAsync(sessionId, exclusive: true, cancellationToken).ConfigureAwait(false);
        switch (current.Status)
        {
            case SessionStoreStatus.NotFound:
                return StateServerResponse.NotFound;
            case SessionStoreStatus.Locked when cookie == -1 || Cookie(current.LockId!) != cookie:
                return Locked(current);
            default:
                // Found: we hold the lock now; Locked with the caller's cookie: the caller's lock.
                await store.RemoveItemAsync(sessionId, current.LockId!, cancellationToken).ConfigureAwait(false);
                return StateServerResponse.Ok;
        }
    }

    private StateServerResponse Locked(SessionStoreResult result)
    {
        var age = result.LockAge;
        return new StateServerResponse
        {
            Status = 423,
            LockCookie = Cookie(result.LockId!),
            LockAge = (long)age.TotalSeconds,
            LockDate = TimeZoneInfo.ConvertTime(_time.GetUtcNow() - age, _time.LocalTimeZone).DateTime.Ticks,
        };
    }
}
