using System.Globalization;
using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer.Procedures;

/// <summary>A SQL Server error from a session procedure, with the number and severity System.Web's rules look at.</summary>
internal sealed class SqlProcedureException : Exception
{
    /// <summary>Primary key violation: another request inserted the row first.</summary>
    public const int DuplicateKey = 2627;

    /// <summary>The procedure does not exist.</summary>
    public const int ProcedureNotFound = 2812;

    /// <summary>Cannot open the database requested by the login.</summary>
    public const int CannotOpenDatabase = 4060;

    /// <summary>The client's timeout expired.</summary>
    public const int Timeout = -2;

    private static readonly int[] s_loginFailed = [18456, 18452, 18450];

    public SqlProcedureException(int number, byte severity, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Number = number;
        Severity = severity;
    }

    /// <summary>The SQL Server error number (<see cref="SqlException.Number"/>).</summary>
    public int Number { get; }

    /// <summary>The severity (<see cref="SqlException.Class"/>).</summary>
    public byte Severity { get; }

    /// <summary>System.Web's "fatal" errors, the only ones it retries: severity 20 or more, 4060, or a timeout (<c>IsFatalSqlException</c>).</summary>
    public bool IsFatal => Severity >= 20 || Number is CannotOpenDatabase or Timeout;

    /// <summary>The login was refused (System.Web reports these with the user name and never retries them).</summary>
    public bool IsLoginFailure => s_loginFailed.Contains(Number);

    public static SqlProcedureException From(SqlException exception) =>
        new(exception.Number, exception.Class, exception.Message, exception);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"SQL Server error {Number} (severity {Severity}): {Message}");
}
