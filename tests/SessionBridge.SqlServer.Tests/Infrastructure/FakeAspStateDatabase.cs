using System.Data;
using System.Text;
using Microsoft.Data.SqlClient;
using SessionBridge.SqlServer.Procedures;

namespace SessionBridge.SqlServer.Tests.Infrastructure;

/// <summary>
/// A test double of the session database: an in-process model of the tables and stored procedures that aspnet_regsql
/// -ssadd installs (bodies of the SQL Server 2000+ scripts, ../spec/sqlserver-mode.md §4.2-4.4) and of the procedures of
/// the async provider's SqlServer mode (§4.7), written from the spec, not from SQL Server. It binds parameters by name as
/// SQL Server does (unknown or missing parameters fail, values longer than the parameter's size or the procedure's
/// declared size are cut, OUTPUT values reach only output parameters), records every command it was given, and can
/// fail, hang or not count rows on demand.
/// </summary>
internal sealed class FakeAspStateDatabase(TimeProvider time) : ISqlProcedureExecutor
{
    private readonly object _gate = new();
    private readonly List<SqlCommand> _commands = [];
    private readonly Queue<SqlProcedureException> _failures = new();

    /// <summary><c>ASPStateTempSessions</c> (the key comparison is case-insensitive, as the default collation).</summary>
    public Dictionary<string, Row> Sessions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The async provider's table in its SqlServer mode (<c>SessionItemShort</c> is never used there).</summary>
    public Dictionary<string, Row> AsyncSessions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>ASPStateTempApplications</c>: lower-cased AppName → AppId.</summary>
    public Dictionary<string, int> Applications { get; } = new(StringComparer.Ordinal);

    /// <summary>What <c>dbo.GetMajorVersion</c> reports.</summary>
    public int MajorVersion { get; set; } = 15;

    /// <summary>Whether the aspnet_regsql procedures exist (otherwise calling one is error 2812).</summary>
    public bool HasAspStateProcedures { get; set; } = true;

    /// <summary>The async provider's <c>sessionTableName</c> when set: its procedures are then prefixed with it.</summary>
    public string? AsyncTableName { get; set; }

    /// <summary>Whether the server runs with SET NOCOUNT ON, so that row counts are not reported (-1).</summary>
    public bool NoCount { get; set; }

    /// <summary>Every call waits until it is cancelled (a server that accepts and never answers).</summary>
    public bool Hang { get; set; }

    public int ClearPoolCalls { get; private set; }

    public IReadOnlyList<SqlCommand> Commands
    {
        get
        {
            lock (_gate)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>The next <paramref name="count"/> calls fail with this SQL Server error before doing anything.</summary>
    public void FailNext(int count, int number, byte severity)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue(new SqlProcedureException(number, severity, $"Simulated SQL Server error {number}."));
            }
        }
    }

    /// <summary>The SQL Agent job <c>ASPState_Job_DeleteExpiredSessions</c>: deletes rows whose Expires has passed.</summary>
    public int DeleteExpiredSessions()
    {
        lock (_gate)
        {
            var now = Now();
            var expired = Sessions.Where(p => p.Value.Expires < now).Select(p => p.Key).ToList();
            expired.ForEach(k => Sessions.Remove(k));
            return expired.Count;
        }
    }

    public void ClearPool() => ClearPoolCalls++;

    public async ValueTask<int> ExecuteNonQueryAsync(SqlCommand command, CancellationToken cancellationToken) =>
        (await ExecuteAsync(command, cancellationToken)).Rows;

    public async ValueTask<byte[]?> ExecuteBinaryScalarAsync(SqlCommand command, int maxLength, CancellationToken cancellationToken)
    {
        var result = (await ExecuteAsync(command, cancellationToken)).ResultSet;
        return result is { Length: var n } && n > maxLength
            ? throw new Legacy.Format.LegacySessionFormatException($"The stored session item is longer than {maxLength} bytes.")
            : result;
    }

    /// <summary>
    /// The AppId dbo.GetHashCode computes for a name (the T-SQL of aspnet_regsql, with its 16-bit halves, over the
    /// varchar bytes of the name).
    /// </summary>
    public static int GetHashCodeProcedure(string input)
    {
        long hi = 0, lo = 5381;
        foreach (var b in Encoding.Latin1.GetBytes(input))
        {
            var hiT = (hi * 32) & 0xFFFF;
            var loT = lo * 32;
            var carry = (lo & 0x1F0000) / 0x10000;
            hiT = (hiT + carry) & 0xFFFF;
            lo += loT;
            hi = hi + hiT + (lo / 0x10000);
            lo ^= b;
            hi &= 0xFFFF;
            lo &= 0xFFFF;
        }

        if ((hi & 0x8000) != 0)
        {
            hi = unchecked((int)0xFFFF0000) | hi;
        }

        return unchecked((int)((hi * 0x10000) | lo));
    }

    private async Task<(int Rows, byte[]? ResultSet)> ExecuteAsync(SqlCommand command, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _commands.Add(command);
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (command.CommandType != CommandType.StoredProcedure)
        {
            throw new SqlProcedureException(102, 15, $"Only stored procedure calls are modelled, not {command.CommandType}.");
        }

        lock (_gate)
        {
            if (_failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            var call = new Call(command);
            var result = Dispatch(command.CommandText, call);
            call.CheckAllUsed();
            return (NoCount ? -1 : result.Rows, result.ResultSet);
        }
    }

    private (int Rows, byte[]? ResultSet) Dispatch(string procedure, Call call)
    {
        var asyncPrefix = string.IsNullOrEmpty(AsyncTableName) ? string.Empty : AsyncTableName + "_";
        if (procedure.StartsWith(asyncPrefix, StringComparison.Ordinal) && AsyncProcedure(procedure[asyncPrefix.Length..], call) is { } asyncResult)
        {
            return asyncResult;
        }

        if (!HasAspStateProcedures || !procedure.StartsWith("dbo.", StringComparison.Ordinal))
        {
            throw new SqlProcedureException(SqlProcedureException.ProcedureNotFound, 16, $"Could not find stored procedure '{procedure}'.");
        }

        var now = Now();
        switch (procedure)
        {
            case "dbo.TempGetVersion":
                call.Out("@ver", "2         ");
                return (0, null);
            case "dbo.GetMajorVersion":
                call.Out("@@ver", MajorVersion);
                return (0, null);
            case "dbo.TempGetAppID":
                {
                    var name = call.String("@appName", 280).ToLowerInvariant().TrimEnd();
                    if (!Applications.TryGetValue(name, out var appId))
                    {
                        appId = GetHashCodeProcedure(name);
                        if (Applications.ContainsValue(appId))
                        {
                            throw new SqlProcedureException(50000, 18, "SQL session state fatal error: hash-code collision between applications.");
                        }

                        Applications[name] = appId;
                    }

                    call.Out("@appId", appId);
                    return (1, null);
                }

            case "dbo.TempGetStateItem3":
            case "dbo.TempGetStateItemExclusive3":
                {
                    var exclusive = procedure == "dbo.TempGetStateItemExclusive3";
                    var id = call.String("@id", 88);
                    call.Declare("@itemShort", "@locked", "@lockAge", "@lockCookie", "@actionFlags");
                    if (!Sessions.TryGetValue(id, out var row))
                    {
                        return (0, null);
                    }

                    var (wasLocked, age, cookie, flags) = Read(row, exclusive, now);
                    call.Out("@locked", wasLocked);
                    call.Out("@lockAge", age);
                    call.Out("@lockCookie", cookie);
                    call.Out("@actionFlags", flags);
                    call.Out("@itemShort", wasLocked ? DBNull.Value : (object?)row.Short ?? DBNull.Value);
                    return (1, !wasLocked ? row.Long : null);
                }

            case "dbo.TempInsertStateItemShort":
            case "dbo.TempInsertStateItemLong":
            case "dbo.TempInsertUninitializedItem":
                {
                    var id = call.String("@id", 88);
                    var isLong = procedure == "dbo.TempInsertStateItemLong";
                    var item = isLong ? call.Bytes("@itemLong", int.MaxValue) : call.Bytes("@itemShort", 7000);
                    var timeout = call.Int("@timeout");
                    if (Sessions.ContainsKey(id))
                    {
                        throw new SqlProcedureException(SqlProcedureException.DuplicateKey, 14, "Violation of PRIMARY KEY constraint. Cannot insert duplicate key in object 'dbo.ASPStateTempSessions'.");
                    }

                    Sessions[id] = new Row
                    {
                        Created = now, Expires = now.AddMinutes(timeout), LockDate = now, LockDateLocal = now, LockCookie = 1, Timeout = timeout,
                        Locked = false, Short = isLong ? null : item, Long = isLong ? item : null,
                        Flags = procedure == "dbo.TempInsertUninitializedItem" ? 1 : 0,
                    };
                    return (1, null);
                }

            case "dbo.TempUpdateStateItemShort":
            case "dbo.TempUpdateStateItemShortNullLong":
            case "dbo.TempUpdateStateItemLong":
            case "dbo.TempUpdateStateItemLongNullShort":
                {
                    var id = call.String("@id", 88);
                    var isLong = procedure.Contains("ItemLong", StringComparison.Ordinal);
                    var item = isLong ? call.Bytes("@itemLong", int.MaxValue) : call.Bytes("@itemShort", 7000);
                    var timeout = call.Int("@timeout");
                    var cookie = call.Int("@lockCookie");
                    if (!Sessions.TryGetValue(id, out var row) || row.LockCookie != cookie)
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(timeout);
                    if (isLong)
                    {
                        row.Long = item;
                    }
                    else
                    {
                        row.Short = item;
                    }

                    if (procedure.EndsWith("NullLong", StringComparison.Ordinal))
                    {
                        row.Long = null;
                    }
                    else if (procedure.EndsWith("NullShort", StringComparison.Ordinal))
                    {
                        row.Short = null;
                    }

                    row.Timeout = timeout;
                    row.Locked = false;
                    return (1, null);
                }

            case "dbo.TempReleaseStateItemExclusive":
                {
                    var id = call.String("@id", 88);
                    var cookie = call.Int("@lockCookie");
                    if (!Sessions.TryGetValue(id, out var row) || row.LockCookie != cookie)
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(row.Timeout);
                    row.Locked = false;
                    return (1, null);
                }

            case "dbo.TempRemoveStateItem":
                {
                    var id = call.String("@id", 88);
                    var cookie = call.Int("@lockCookie");
                    return Sessions.TryGetValue(id, out var row) && row.LockCookie == cookie && Sessions.Remove(id) ? (1, null) : (0, null);
                }

            case "dbo.TempResetTimeout":
                {
                    var id = call.String("@id", 88);
                    if (!Sessions.TryGetValue(id, out var row))
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(row.Timeout);
                    return (1, null);
                }

            default:
                throw new SqlProcedureException(SqlProcedureException.ProcedureNotFound, 16, $"Could not find stored procedure '{procedure}'.");
        }
    }

    private (int Rows, byte[]? ResultSet)? AsyncProcedure(string name, Call call)
    {
        var now = Now();
        switch (name)
        {
            case "GetStateItem":
            case "GetStateItemExclusive":
                {
                    var id = call.String("@SessionId", 88);
                    call.Declare("@Locked", "@LockAge", "@LockCookie", "@ActionFlags");
                    if (!AsyncSessions.TryGetValue(id, out var row))
                    {
                        return (0, null);
                    }

                    var (wasLocked, age, cookie, flags) = Read(row, name == "GetStateItemExclusive", now);
                    call.Out("@Locked", wasLocked);
                    call.Out("@LockAge", age);
                    call.Out("@LockCookie", cookie);
                    call.Out("@ActionFlags", flags);
                    return (1, wasLocked ? null : row.Long);
                }

            case "InsertStateItem":
            case "InsertUninitializedItem":
                {
                    var id = call.String("@SessionId", 88);
                    var timeout = call.Int("@Timeout");
                    var item = call.Bytes("@SessionItemLong", int.MaxValue);
                    if (AsyncSessions.ContainsKey(id))
                    {
                        throw new SqlProcedureException(SqlProcedureException.DuplicateKey, 14, "Violation of PRIMARY KEY constraint.");
                    }

                    AsyncSessions[id] = new Row
                    {
                        Created = now, Expires = now.AddMinutes(timeout), LockDate = now, LockDateLocal = now, LockCookie = 1, Timeout = timeout,
                        Long = item, Flags = name == "InsertUninitializedItem" ? 1 : 0,
                    };
                    return (1, null);
                }

            case "UpdateStateItem":
                {
                    var id = call.String("@SessionId", 88);
                    var cookie = call.Int("@LockCookie");
                    var timeout = call.Int("@Timeout");
                    var item = call.Bytes("@SessionItemLong", int.MaxValue);
                    if (!AsyncSessions.TryGetValue(id, out var row) || row.LockCookie != cookie)
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(timeout);
                    row.Long = item;
                    row.Timeout = timeout;
                    row.Locked = false;
                    return (1, null);
                }

            case "ReleaseItemExclusive":
                {
                    var id = call.String("@SessionId", 88);
                    var cookie = call.Int("@LockCookie");
                    if (!AsyncSessions.TryGetValue(id, out var row) || row.LockCookie != cookie)
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(row.Timeout);
                    row.Locked = false;
                    return (1, null);
                }

            case "RemoveStateItem":
                {
                    var id = call.String("@SessionId", 88);
                    var cookie = call.Int("@LockCookie");
                    return AsyncSessions.TryGetValue(id, out var row) && row.LockCookie == cookie && AsyncSessions.Remove(id) ? (1, null) : (0, null);
                }

            case "ResetItemTimeout":
                {
                    var id = call.String("@SessionId", 88);
                    if (!AsyncSessions.TryGetValue(id, out var row))
                    {
                        return (0, null);
                    }

                    row.Expires = now.AddMinutes(row.Timeout);
                    return (1, null);
                }

            default:
                return null;
        }
    }

    // The common part of the get procedures: Expires slides whether or not the row is locked (and whether or not it
    // has expired); an exclusive read of an unlocked row locks it with the next cookie; the uninitialized flag is
    // reported once and cleared.
    private static (bool WasLocked, int Age, int Cookie, int Flags) Read(Row row, bool exclusive, DateTime now)
    {
        row.Expires = now.AddMinutes(row.Timeout);
        var wasLocked = row.Locked;
        var age = wasLocked ? (int)((now.Ticks / TimeSpan.TicksPerSecond) - (row.LockDate.Ticks / TimeSpan.TicksPerSecond)) : 0;
        if (exclusive && !wasLocked)
        {
            row.LockDate = now;
            row.LockDateLocal = now;
            row.LockCookie++;
            row.Locked = true;
        }

        var flags = row.Flags & 1;
        row.Flags &= ~1;
        return (wasLocked, age, row.LockCookie, flags);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>A row of the sessions table.</summary>
    public sealed class Row
    {
        public DateTime Created { get; set; }

        public DateTime Expires { get; set; }

        public DateTime LockDate { get; set; }

        public DateTime LockDateLocal { get; set; }

        public int LockCookie { get; set; }

        public int Timeout { get; set; }

        public bool Locked { get; set; }

        public byte[]? Short { get; set; }

        public byte[]? Long { get; set; }

        public int Flags { get; set; }
    }

    /// <summary>Binds a command's parameters by name, as SQL Server binds an RPC call.</summary>
    private sealed class Call
    {
        private readonly Dictionary<string, SqlParameter> _parameters = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);
        private readonly string _procedure;

        public Call(SqlCommand command)
        {
            _procedure = command.CommandText;
            foreach (SqlParameter p in command.Parameters)
            {
                if (!_parameters.TryAdd(p.ParameterName, p))
                {
                    throw new SqlProcedureException(8143, 16, $"Parameter '{p.ParameterName}' was supplied multiple times.");
                }
            }
        }

        public string String(string name, int declaredLength)
        {
            var p = Input(name);
            var value = p.Value as string ?? throw new SqlProcedureException(8114, 16, $"{name} of {_procedure} is not a string.");
            var length = Math.Min(p.Size > 0 ? p.Size : int.MaxValue, declaredLength);
            return value.Length > length ? value[..length] : value;
        }

        public byte[] Bytes(string name, int declaredLength)
        {
            var p = Input(name);
            var value = p.Value as byte[] ?? throw new SqlProcedureException(8114, 16, $"{name} of {_procedure} is not binary.");
            if (p.SqlDbType is not (SqlDbType.VarBinary or SqlDbType.Image or SqlDbType.Binary))
            {
                throw new SqlProcedureException(206, 16, $"{name} of {_procedure} is {p.SqlDbType}, not binary.");
            }

            var length = Math.Min(p.Size > 0 ? p.Size : int.MaxValue, declaredLength);
            return value.Length > length ? value[..length] : value;
        }

        public int Int(string name) =>
            Input(name).Value is int i ? i : throw new SqlProcedureException(8114, 16, $"{name} of {_procedure} is not an int.");

        /// <summary>Declares OUTPUT parameters that must be supplied.</summary>
        public void Declare(params string[] names)
        {
            foreach (var name in names)
            {
                _ = Get(name);
            }
        }

        public void Out(string name, object value)
        {
            var p = Get(name);
            if (p.Direction is ParameterDirection.Output or ParameterDirection.InputOutput)
            {
                p.Value = value;
            }
        }

        public void CheckAllUsed()
        {
            var extra = _parameters.Keys.FirstOrDefault(k => !_used.Contains(k));
            if (extra is not null)
            {
                throw new SqlProcedureException(8145, 16, $"{extra} is not a parameter for procedure {_procedure}.");
            }
        }

        private SqlParameter Input(string name)
        {
            var p = Get(name);
            return p.Direction == ParameterDirection.Input
                ? p
                : throw new SqlProcedureException(8162, 16, $"{name} of {_procedure} is not an input parameter.");
        }

        private SqlParameter Get(string name)
        {
            _used.Add(name);
            return _parameters.TryGetValue(name, out var p)
                ? p
                : throw new SqlProcedureException(201, 16, $"Procedure or function '{_procedure}' expects parameter '{name}', which was not supplied.");
        }
    }
}
