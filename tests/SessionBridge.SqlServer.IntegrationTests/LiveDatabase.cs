using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer.IntegrationTests;

/// <summary>The database named by SESSIONBRIDGE_SQLSERVER, and stores on it.</summary>
internal static class LiveDatabase
{
    public const string Variable = "SESSIONBRIDGE_SQLSERVER";

    /// <summary>An application id no real application uses, so the test's rows never meet a real application's.</summary>
    public const string ApplicationId = "/LM/W3SVC/1/ROOT/SessionBridgeIntegrationTests";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. Set it to a connection string to a database prepared by 'aspnet_regsql -ssadd' " +
                "(e.g. \"Data Source=sqlhost;Initial Catalog=ASPState;User ID=…;Password=…;TrustServerCertificate=True\") and run test.sh again.");

    public static SqlServerSessionStore Store(Action<SqlServerStoreOptions>? configure = null)
    {
        var options = new SqlServerStoreOptions
        {
            ConnectionString = ConnectionString,
            AllowCustomSqlDatabase = !string.IsNullOrEmpty(new SqlConnectionStringBuilder(ConnectionString).InitialCatalog),
            ApplicationId = ApplicationId,
        };
        configure?.Invoke(options);
        return new SqlServerSessionStore(options);
    }

    /// <summary>A fresh valid session id (24 characters of a-z0-5).</summary>
    public static string NewSessionId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz012345";
        return string.Create(24, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    /// <summary>The row of a session as the legacy provider would find it, read straight from the table.</summary>
    public static async Task<(byte[]? Short, byte[]? Long, bool Locked, int Cookie, int Flags)?> RowAsync(string key, CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(new SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = Catalog }.ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync(cancellationToken);
            // The tables live in tempdb (-sstype t) or in the session database (-sstype p / c).
            foreach (var table in new[] { "dbo.ASPStateTempSessions", "tempdb.dbo.ASPStateTempSessions" })
            {
                await using var command = new SqlCommand(
                    $"IF OBJECT_ID('{table}') IS NOT NULL SELECT SessionItemShort, SessionItemLong, Locked, LockCookie, Flags FROM {table} WHERE SessionId = @id", connection);
                command.Parameters.AddWithValue("@id", key);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    return (reader.IsDBNull(0) ? null : (byte[])reader[0], reader.IsDBNull(1) ? null : (byte[])reader[1], reader.GetBoolean(2), reader.GetInt32(3), reader.GetInt32(4));
                }
            }
        }

        return null;
    }

    private static string Catalog =>
        new SqlConnectionStringBuilder(ConnectionString).InitialCatalog is { Length: > 0 } catalog ? catalog : "ASPState";
}
