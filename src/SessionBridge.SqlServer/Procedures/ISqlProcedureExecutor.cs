using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer.Procedures;

/// <summary>
/// Runs one stored-procedure command against the session database: the only place that talks to SQL Server, so the
/// store's logic can be tested against a model of the procedures.
/// </summary>
/// <remarks>
/// Implementations fill the command's output parameters before returning, translate SQL Server errors into
/// <see cref="SqlProcedureException"/> (number and severity kept), and throw <see cref="OperationCanceledException"/>
/// when <c>cancellationToken</c> ends the call.
/// </remarks>
internal interface ISqlProcedureExecutor
{
    /// <summary>Runs the command; returns the number of rows it affected, or -1 when the server does not count them (SET NOCOUNT ON).</summary>
    ValueTask<int> ExecuteNonQueryAsync(SqlCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the command and returns the first column of the first row of its result set when there is one and it is
    /// not NULL (the long item of the get procedures), or <see langword="null"/>.
    /// </summary>
    /// <exception cref="Legacy.Format.LegacySessionFormatException">The value is longer than <paramref name="maxLength"/>.</exception>
    ValueTask<byte[]?> ExecuteBinaryScalarAsync(SqlCommand command, int maxLength, CancellationToken cancellationToken);

    /// <summary>Closes the pooled connections of the session database (System.Web does so before its first retry).</summary>
    void ClearPool();
}
