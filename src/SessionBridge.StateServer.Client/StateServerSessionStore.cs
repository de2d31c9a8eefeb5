using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// The session store of a legacy application in <c>StateServer</c> mode: an [MS-ASP] client that talks to the same
/// ASP.NET state server (or SessionBridge's replacement) with the same keys and blobs as System.Web.
/// </summary>
/// <remarks>
/// <para>
/// Requests are those System.Web sends (see ../spec/state-server-protocol.md §3.4), over persistent pooled
/// connections, each exchange bounded by <see cref="StateServerStoreOptions.NetworkTimeout"/> and guarded by a circuit
/// breaker. A server that cannot be reached, times out or answers garbage gives
/// <see cref="SessionStoreUnavailableException"/>; a 400 answer gives <see cref="InvalidOperationException"/>.
/// </para>
/// <para>
/// Differences from System.Web, where its behaviour would lose information: a write refused with 423 reports
/// <see langword="false"/> instead of being silently dropped; a timeout reset of a missing item is not an error.
/// </para>
/// </remarks>
internal sealed class StateServerSessionStore : ILegacySessionStore, IDisposable
{
    /// <summary>One year in seconds: System.Web ignores a <c>LockAge</c> outside 0..1 year.</summary>
    private const long OneYearSeconds = 365L * 24 * 60 * 60;

    private readonly StateServerStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly LegacySessionFormat _format;
    private readonly ILogger _logger;
    private readonly string _uriBase;
    private readonly ConcurrentDictionary<string, StateServerPartition> _partitions = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _partitionStrings;

    /// <summary>Creates the store. Throws <see cref="ArgumentException"/> when a setting is invalid (the message says which).</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for lock ages and idle connections; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">
    /// Where to log failed exchanges (event 221) and the circuit breaker opening (222) and closing (223) per state
    /// server, or <see langword="null"/>.
    /// </param>
    /// <param name="format">How sessions are encoded (compression included); <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>.</param>
    public StateServerSessionStore(StateServerStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, LegacySessionFormat? format = null)
    {
        _format = format ?? LegacySessionFormat.Default;
        ArgumentNullException.ThrowIfNull(options);
        if (StateServerStoreOptionsValidation.Validate(options) is [_, ..] failures)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _uriBase = StateServerKeys.CreateUriBase(options.ApplicationId, options.KeyScheme, options.ValidationKey, options.Validation);
        _partitionStrings = options.PartitionConnectionStrings.Count > 0 ? [.. options.PartitionConnectionStrings] : [options.ConnectionString];
    }

    /// <inheritdoc />
    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        var (partition, target) = Route(sessionId);
        var request = StateServerRequestWriter.Get(target, partition.Endpoint.HostHeader, exclusive ? "Acquire" : null);
        var response = await partition.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        switch (response.Status)
        {
            case 200 when response.Body.Length > 0:
                var data = _format.Deserialize(response.Body);
                var lockId = exclusive && response.LockCookie is { } cookie ? cookie.ToString(CultureInfo.InvariantCulture) : null;
                return SessionStoreResult.Found(data, lockId, response.ActionFlags ? SessionStateActions.InitializeItem : SessionStateActions.None);
            case 423:
                return SessionStoreResult.Locked((response.LockCookie ?? 0).ToString(CultureInfo.InvariantCulture), LockAge(response));
            case 400:
                throw BadRequest(response, "read");
            default:
                return SessionStoreResult.NotFound; // 404, or 200 with an empty body (System.Web: not found)
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (partition, target) = Route(sessionId);
        var blob = _format.Serialize(data);
        var cookie = lockId is null ? 0 : ParseLockId(lockId);
        var request = StateServerRequestWriter.Put(target, partition.Endpoint.HostHeader, blob, data.Timeout, cookie, extraFlags: 0);
        var response = await partition.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            200 => true,
            400 => throw BadRequest(response, "write"),
            _ => false,
        };
    }

    /// <inheritdoc />
    public async ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        var (partition, target) = Route(sessionId);
        var request = StateServerRequestWriter.Get(target, partition.Endpoint.HostHeader, "Release", ParseLockId(lockId));
        var response = await partition.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            throw BadRequest(response, "release");
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        var (partition, target) = Route(sessionId);
        var request = StateServerRequestWriter.Delete(target, partition.Endpoint.HostHeader, ParseLockId(lockId));
        var response = await partition.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            throw BadRequest(response, "remove");
        }
    }

    /// <inheritdoc />
    public async ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken)
    {
        var (partition, target) = Route(sessionId);
        var response = await partition.ExchangeAsync(StateServerRequestWriter.Head(target, partition.Endpoint.HostHeader), cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            throw BadRequest(response, "timeout reset");
        }
    }

    /// <inheritdoc />
    public async ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        var (partition, target) = Route(sessionId);
        var blob = _format.Serialize(_format.CreateEmpty(timeoutMinutes));
        var request = StateServerRequestWriter.Put(target, partition.Endpoint.HostHeader, blob, timeoutMinutes, lockCookie: 0, extraFlags: 1);
        var response = await partition.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Status == 400)
        {
            throw BadRequest(response, "create");
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose()
    {
        foreach (var partition in _partitions.Values)
        {
            partition.Dispose();
        }
    }

    /// <summary>System.Web's choice of state server for a session id when several are configured: a stable FNV-1a hash of the id.</summary>
    internal static int PartitionIndex(string sessionId, int count)
    {
        var hash = 2166136261u;
        foreach (var c in sessionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)count);
    }

    private (StateServerPartition Partition, string Target) Route(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var connectionString = _options.PartitionResolver is { } resolver
            ? resolver(sessionId)
            : _partitionStrings[_partitionStrings.Length == 1 ? 0 : PartitionIndex(sessionId, _partitionStrings.Length)];
        var partition = _partitions.GetOrAdd(connectionString, static (s, self) => new StateServerPartition(StateServerEndpoint.Parse(s), self._options, self._time, self._logger), this);
        return (partition, StateServerKeys.CreateRequestTarget(_uriBase, sessionId));
    }

    private TimeSpan LockAge(StateServerResponse response)
    {
        if (response.LockAge is { } seconds and >= 0 and < OneYearSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (response.LockDate is { } ticks and > 0)
        {
            var localNow = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _time.LocalTimeZone).DateTime.Ticks;
            if (ticks < localNow)
            {
                return TimeSpan.FromTicks(localNow - ticks);
            }
        }

        return TimeSpan.Zero;
    }

    private static int ParseLockId(string lockId) =>
        int.TryParse(lockId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cookie)
            ? cookie
            : throw new ArgumentException($"'{lockId}' is not a state server lock id (a decimal lock cookie).", nameof(lockId));

    private static InvalidOperationException BadRequest(StateServerResponse response, string operation) => new(
        $"The state server rejected the session {operation} as a bad request (400){(response.Message is { Length: > 0 } m ? ": " + MessageText.Sentence(m) : ".")} " +
        "Check that it is an ASP.NET state server and that the session timeout is at most 525,600 minutes.");
}
