using System.Buffers;
using System.Data;
using System.Globalization;
using Microsoft.Data.SqlClient;
using SessionBridge.Legacy.Format;

namespace SessionBridge.SqlServer.Procedures;

/// <summary>Runs the session procedures over Microsoft.Data.SqlClient: one pooled connection per call, as System.Web's store does.</summary>
internal sealed class SqlClientProcedureExecutor(string connectionString) : ISqlProcedureExecutor
{
    public async ValueTask<int> ExecuteNonQueryAsync(SqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new SqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await OpenAsync(connection, cancellationToken).ConfigureAwait(false);
                command.Connection = connection;
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqlException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            command.Connection = null;
        }
    }

    public async ValueTask<byte[]?> ExecuteBinaryScalarAsync(SqlCommand command, int maxLength, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new SqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await OpenAsync(connection, cancellationToken).ConfigureAwait(false);
                command.Connection = connection;
                byte[]? value = null;
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false))
                    {
                        value = await ReadBoundedAsync(reader, maxLength, cancellationToken).ConfigureAwait(false);
                    }

                    // Output parameters arrive after the last result.
                    while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                    {
                    }
                }

                return value;
            }
        }
        catch (SqlException ex)
        {
            throw Translate(ex, cancellationToken);
        }
        finally
        {
            command.Connection = null;
        }
    }

    public void ClearPool()
    {
        using var connection = new SqlConnection(connectionString);
        SqlConnection.ClearPool(connection);
    }

    private static async Task OpenAsync(SqlConnection connection, CancellationToken cancellationToken) =>
        // WaitAsync: the caller's deadline holds even while the driver is still in its own connect timeout.
        await connection.OpenAsync(cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<byte[]> ReadBoundedAsync(SqlDataReader reader, int maxLength, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var stream = reader.GetStream(0);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenSpan.ToArray();
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > maxLength)
                {
                    throw new LegacySessionFormatException(string.Create(CultureInfo.InvariantCulture,
                        $"The stored session item is longer than {maxLength} bytes, the SqlServer store's MaxItemBytes; it was not read."));
                }
            }
        }
    }

    private static Exception Translate(SqlException exception, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? new OperationCanceledException("The session database call was cancelled.", exception, cancellationToken)
            : SqlProcedureException.From(exception);
}
