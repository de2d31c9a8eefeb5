using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.SqlServer.Procedures;

namespace SessionBridge.SqlServer;

/// <summary>
/// The session store of a legacy application in <c>SQLServer</c> mode: it calls the stored procedures of the ASPState
/// database exactly as System.Web 4.8's <c>SqlSessionStateStore</c> does (or, as configured, as
/// Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync does), with the same row keys, blobs and lock cookies.
/// </summary>
/// <remarks>
/// <para>
/// Start (once, on first use): <c>dbo.TempGetVersion</c> must exist, <c>dbo.GetMajorVersion</c> must report SQL Server
/// 2000 or later, and <c>dbo.TempGetAppID</c> gives the application's suffix unless one is configured. Every call then
/// passes <c>@id = session id + suffix</c>. Blobs of up to 7,000 bytes go to the short column, longer ones to the long
/// column; updates pick the procedure from the new length and the column the item was read from (§4.5).
/// </para>
/// <para>
/// Failures: a command that fails with a fatal error (severity ≥ 20, 4060, timeout) is retried for
/// <see cref="SqlServerStoreOptions.ConnectionRetryInterval"/> as System.Web does (5 s, then every second); any
/// failure that remains is <see cref="SessionStoreUnavailableException"/>. An item that cannot be read is
/// <see cref="LegacySessionFormatException"/> and is left untouched.
/// </para>
/// <para>
/// Differences from System.Web, where its behaviour would lose information: an insert that loses the race to another
/// request (duplicate key, 2627) and an update under a lock cookie that no longer holds report <see langword="false"/>
/// (not written) instead of passing silently; a row with neither item column is reported as corrupt. Reads do not
/// check <c>Expires</c> (an expired row is served until the SQL Agent job deletes it), as in System.Web.
/// </para>
/// </remarks>
internal sealed partial class SqlServerSessionStore : ILegacySessionStore
{
    private static readonly object s_short = StoredColumn.Short;
    private static readonly object s_long = StoredColumn.Long;

    private readonly SqlServerStoreOptions _options;
    private readonly LegacySessionFormat _format;
    private readonly ISqlProcedureExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _commandTimeoutSeconds;
    private readonly AsyncProviderProcedures? _asyncProcedures;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly ConditionalWeakTable<SessionStateData, object> _readFrom = [];
    private volatile string? _suffix;
    private volatile bool _initialized;

    /// <summary>Creates the store. Throws <see cref="ArgumentException"/> when a setting is invalid (the message says which).</summary>
    /// <param name="options">The options.</param>
    /// <param name="executor">Runs the procedures; Microsoft.Data.SqlClient on the configured connection string when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the retry waits.</param>
    /// <param name="logger">Where to log retries (231), lost inserts (232), writes not applied (233), the start (234) and unreadable items (235).</param>
    /// <param name="format">How sessions are encoded (compression included); <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>.</param>
    public SqlServerSessionStore(SqlServerStoreOptions options, ISqlProcedureExecutor? executor = null, TimeProvider? timeProvider = null, ILogger? logger = null, LegacySessionFormat? format = null)
    {
        SqlServerStoreOptionsValidation.ThrowIfInvalid(options);
        _options = options;
        _format = format ?? LegacySessionFormat.Default;
        _executor = executor ?? new SqlClientProcedureExecutor(SqlServerStoreOptionsValidation.EffectiveConnectionString(options));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _commandTimeoutSeconds = (int)options.CommandTimeout.TotalSeconds;
        _asyncProcedures = options.Compatibility == SqlServerCompatibility.AsyncProviderSqlServer ? new AsyncProviderProcedures(options.AsyncProviderTableName) : null;
        if (!string.IsNullOrEmpty(options.Suffix))
        {
            _suffix = options.Suffix;
        }
        else if (options.Compatibility != SqlServerCompatibility.SystemWeb)
        {
            _suffix = ApplicationSuffix.ForAsyncProvider(options.ApplicationId!, options.AsyncProviderHash);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var command = _asyncProcedures is { } procedures
            ? procedures.Get(id, exclusive, _commandTimeoutSeconds)
            : AspStateProcedures.GetStateItem(id, exclusive, _commandTimeoutSeconds);
        var operation = exclusive ? "get_exclusive" : "get";
        var longItem = await RunAsync(operation, command, static (e, c, max, ct) => e.ExecuteBinaryScalarAsync(c, max, ct), cancellationToken).ConfigureAwait(false);

        var locked = command.Parameters[_asyncProcedures is null ? "@locked" : "@Locked"].Value;
        if (locked is DBNull or null)
        {
            return SessionStoreResult.NotFound; // no row: the outputs stay NULL
        }

        var isLocked = locked is bool b ? b : throw Unexpected(command, "@locked", locked);
        var cookie = Int(command, _asyncProcedures is null ? "@lockCookie" : "@LockCookie");
        if (isLocked)
        {
            var age = Int(command, _asyncProcedures is null ? "@lockAge" : "@LockAge");
            return SessionStoreResult.Locked(cookie.ToString(CultureInfo.InvariantCulture),
                age is >= 0 and <= SqlServerStoreDefaults.OneYearSeconds ? TimeSpan.FromSeconds(age) : TimeSpan.Zero);
        }

        var flags = Int(command, _asyncProcedures is null ? "@actionFlags" : "@ActionFlags");
        byte[] blob;
        object column;
        if (longItem is not null)
        {
            blob = longItem;
            column = s_long;
        }
        else if (_asyncProcedures is null && command.Parameters["@itemShort"].Value is byte[] shortItem)
        {
            blob = shortItem;
            column = s_short;
        }
        else
        {
            Log.UnreadableSession(_logger, Shorten(sessionId), "no item column holds data");
            throw new LegacySessionFormatException(
                "The session row holds no item (neither SessionItemShort nor SessionItemLong); it is left untouched.");
        }

        SessionStateData data;
        try
        {
            data = DecodeBlob(blob);
        }
        catch (LegacySessionFormatException ex)
        {
            Log.UnreadableSession(_logger, Shorten(sessionId), ex.Message);
            throw;
        }

        _readFrom.AddOrUpdate(data, column);
        return SessionStoreResult.Found(data, exclusive ? cookie.ToString(CultureInfo.InvariantCulture) : null,
            (flags & (int)SessionStateActions.InitializeItem) != 0 ? SessionStateActions.InitializeItem : SessionStateActions.None);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var blob = EncodeBlob(data);
        var cookie = lockId is null ? 0 : ParseLockId(lockId);
        SqlCommand command;
        if (newItem)
        {
            command = _asyncProcedures is { } procedures
                ? procedures.Insert(id, blob, data.Timeout, _commandTimeoutSeconds)
                : AspStateProcedures.Insert(id, blob, data.Timeout, _commandTimeoutSeconds);
        }
        else
        {
            var readFrom = _readFrom.TryGetValue(data, out var column) ? (StoredColumn)column : StoredColumn.Unknown;
            command = _asyncProcedures is { } procedures
                ? procedures.Update(id, blob, data.Timeout, cookie, _commandTimeoutSeconds)
                : AspStateProcedures.Update(id, blob, data.Timeout, cookie, readFrom, _commandTimeoutSeconds);
        }

        int rows;
        try
        {
            rows = await RunAsync("set_and_release", command, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateInsertException)
        {
            // System.Web swallows this silently: another request created the session first, and this write is lost.
            Log.InsertLost(_logger, Shorten(sessionId));
            return false;
        }

        if (rows == 0)
        {
            Log.WriteNotApplied(_logger, Shorten(sessionId));
            return false;
        }

        _readFrom.AddOrUpdate(data, blob.Length <= SqlServerStoreDefaults.ItemShortLength || _asyncProcedures is not null ? s_short : s_long);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var cookie = ParseLockId(lockId);
        var command = _asyncProcedures is { } procedures
            ? procedures.Release(id, cookie, _commandTimeoutSeconds)
            : AspStateProcedures.Release(id, cookie, _commandTimeoutSeconds);
        _ = await RunAsync("release", command, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var cookie = ParseLockId(lockId);
        var command = _asyncProcedures is { } procedures
            ? procedures.Remove(id, cookie, _commandTimeoutSeconds)
            : AspStateProcedures.Remove(id, cookie, _commandTimeoutSeconds);
        _ = await RunAsync("remove", command, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken)
    {
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var command = _asyncProcedures is { } procedures
            ? procedures.ResetTimeout(id, _commandTimeoutSeconds)
            : AspStateProcedures.ResetTimeout(id, _commandTimeoutSeconds);
        _ = await RunAsync("reset_timeout", command, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        var id = await KeyAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var blob = EncodeBlob(_format.CreateEmpty(timeoutMinutes));
        var command = _asyncProcedures is { } procedures
            ? procedures.InsertUninitialized(id, blob, timeoutMinutes, _commandTimeoutSeconds)
            : AspStateProcedures.InsertUninitialized(id, blob, timeoutMinutes, _commandTimeoutSeconds);
        try
        {
            _ = await RunAsync("create_uninitialized", command, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateInsertException)
        {
            // The contract: an existing session is left as it is.
        }
    }

    /// <summary>The suffix appended to every session id, once the store has started (for diagnostics and tests).</summary>
    internal string? Suffix => _suffix;

    // The one place where blobs become sessions (the legacy format with its envelope; compressed when configured).
    private SessionStateData DecodeBlob(byte[] blob) => _format.Deserialize(blob);

    // The one place where sessions become blobs.
    private byte[] EncodeBlob(SessionStateData data) => _format.Serialize(data);

    private async ValueTask<string> KeyAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        if (sessionId.Length > SqlServerStoreDefaults.MaxSessionIdLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The session id is {sessionId.Length} characters; System.Web's SQL Server store takes at most {SqlServerStoreDefaults.MaxSessionIdLength}."), nameof(sessionId));
        }

        var suffix = _suffix;
        if (suffix is null || (_asyncProcedures is null && !_initialized))
        {
            suffix = await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // The async provider appends its suffix only when the id does not already end with it (AppendAppIdHash).
        return _options.Compatibility != SqlServerCompatibility.SystemWeb && sessionId.EndsWith(suffix, StringComparison.Ordinal)
            ? sessionId
            : sessionId + suffix;
    }

    private async ValueTask<string> InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized && _suffix is { } known)
            {
                return known;
            }

            _ = await RunAsync("start", AspStateProcedures.GetVersion(_commandTimeoutSeconds), static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
            var version = AspStateProcedures.MajorVersion(_commandTimeoutSeconds);
            _ = await RunAsync("start", version, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
            var major = Int(version, "@@ver");
            if (major < SqlServerStoreDefaults.LockAgeMajorVersion)
            {
                throw new SessionStoreUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"dbo.GetMajorVersion reports SQL Server major version {major}; the SqlServer store needs the SQL Server 2000 (8) or later procedures, which report lock ages."));
            }

            var suffix = _suffix;
            if (suffix is null)
            {
                var appId = AspStateProcedures.GetAppId(_options.ApplicationId!, _commandTimeoutSeconds);
                _ = await RunAsync("start", appId, static (e, c, _, ct) => e.ExecuteNonQueryAsync(c, ct), cancellationToken).ConfigureAwait(false);
                suffix = ApplicationSuffix.FromAppId(Int(appId, "@appId"));
            }

            _suffix = suffix;
            _initialized = true;
            Log.Started(_logger, _options.Compatibility, suffix);
            return suffix;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private async ValueTask<T> RunAsync<T>(
        string operation,
        SqlCommand command,
        Func<ISqlProcedureExecutor, SqlCommand, int, CancellationToken, ValueTask<T>> call,
        CancellationToken cancellationToken)
    {
        var firstAttempt = true;
        var retryUntil = DateTimeOffset.MinValue;
        while (true)
        {
            try
            {
                return await call(_executor, command, _options.MaxItemBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlProcedureException ex) when (ex.Number == SqlProcedureException.DuplicateKey && IsInsert(command))
            {
                throw new DuplicateInsertException(ex);
            }
            catch (SqlProcedureException ex) when (_options.ConnectionRetryInterval > TimeSpan.Zero && ex.IsFatal && !ex.IsLoginFailure)
            {
                // System.Web's CanRetry: clear the pool and wait 5 s on the first failure, then retry every second
                // until the retry interval, counted from the first retry, has passed.
                TimeSpan delay;
                if (firstAttempt)
                {
                    firstAttempt = false;
                    _executor.ClearPool();
                    delay = SqlServerStoreDefaults.FirstRetryDelay;
                    retryUntil = _time.GetUtcNow() + delay + _options.ConnectionRetryInterval;
                }
                else if (_time.GetUtcNow() > retryUntil)
                {
                    throw Unavailable(operation, command, ex);
                }
                else
                {
                    delay = SqlServerStoreDefaults.RetryDelay;
                }

                Log.Retrying(_logger, operation, command.CommandText, ex.Number, ex.Severity, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlProcedureException ex)
            {
                throw Unavailable(operation, command, ex);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or LegacySessionFormatException or SessionStoreUnavailableException))
            {
                throw new SessionStoreUnavailableException(
                    $"The SQL Server session store failed during '{operation}' ({command.CommandText}): {ex.Message}", ex);
            }
        }
    }

    private static bool IsInsert(SqlCommand command) =>
        command.CommandText.EndsWith("InsertStateItemShort", StringComparison.Ordinal) ||
        command.CommandText.EndsWith("InsertStateItemLong", StringComparison.Ordinal) ||
        command.CommandText.EndsWith("InsertStateItem", StringComparison.Ordinal) ||
        command.CommandText.EndsWith("InsertUninitializedItem", StringComparison.Ordinal);

    private SessionStoreUnavailableException Unavailable(string operation, SqlCommand command, SqlProcedureException ex)
    {
        var hint = ex switch
        {
            { Number: SqlProcedureException.ProcedureNotFound } when _asyncProcedures is null =>
                " The database has no such procedure: point LegacySession:SqlServer:ConnectionString at the session database aspnet_regsql -ssadd prepared (ASPState, or the -sstype c database with AllowCustomSqlDatabase).",
            { Number: SqlProcedureException.ProcedureNotFound } =>
                " The database has no such procedure: the async provider creates its procedures when it starts; check LegacySession:SqlServer:AsyncProviderTableName against its sessionTableName.",
            { IsLoginFailure: true } => " The login was refused: check the user and password (or Integrated Security) of LegacySession:SqlServer:ConnectionString.",
            { Number: SqlProcedureException.Timeout } => " The command timed out (LegacySession:SqlServer:CommandTimeout).",
            _ => string.Empty,
        };
        return new SessionStoreUnavailableException(string.Create(CultureInfo.InvariantCulture,
            $"The SQL Server session store failed during '{operation}' ({command.CommandText}): error {ex.Number}, severity {ex.Severity}: {ex.Message}{hint}"), ex);
    }

    private static int Int(SqlCommand command, string name)
    {
        var value = command.Parameters[name].Value;
        return value is int i ? i : throw Unexpected(command, name, value);
    }

    private static SessionStoreUnavailableException Unexpected(SqlCommand command, string name, object? value) => new(
        $"{command.CommandText} returned {(value is null or DBNull ? "NULL" : value.GetType().Name)} in {name}; the database's procedures are not the ones the legacy provider installs.");

    private static int ParseLockId(string lockId) =>
        int.TryParse(lockId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cookie)
            ? cookie
            : throw new ArgumentException($"'{lockId}' is not a SQL Server session lock id (a decimal lock cookie).", nameof(lockId));

    private static string Shorten(string sessionId) => sessionId.Length <= 4 ? sessionId : string.Concat(sessionId.AsSpan(0, 4), "…");

    /// <summary>An insert found the row already there (2627), which System.Web ignores.</summary>
    private sealed class DuplicateInsertException(Exception inner) : Exception("The session row already exists.", inner);
}
