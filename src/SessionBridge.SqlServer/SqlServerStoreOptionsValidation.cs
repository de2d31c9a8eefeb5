using System.Globalization;
using Microsoft.Data.SqlClient;

namespace SessionBridge.SqlServer;

/// <summary>
/// The one set of rules for <see cref="SqlServerStoreOptions"/>, used by the start-up validation and by the store's
/// constructor; each message names the configuration key to set.
/// </summary>
internal static class SqlServerStoreOptionsValidation
{
    private const string Section = SqlServerStoreDefaults.ConfigurationSection;

    public static List<string> Validate(SqlServerStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString is not set; set it to the legacy sqlConnectionString, e.g. \"Data Source=sqlhost;User ID=…;Password=…;Encrypt=True\" (without a database, ASPState is used).");
        }
        else
        {
            try
            {
                _ = EffectiveConnectionString(options);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}:ConnectionString: {ex.Message}");
            }
        }

        if (!Enum.IsDefined(options.Compatibility))
        {
            failures.Add($"{Section}:Compatibility '{options.Compatibility}' is not SystemWeb (the built-in provider, the default), AsyncProviderFrameworkCompat or AsyncProviderSqlServer.");
        }

        if (!Enum.IsDefined(options.AsyncProviderHash))
        {
            failures.Add($"{Section}:AsyncProviderHash '{options.AsyncProviderHash}' is not NetFramework64Bit (the default), NetFramework32Bit or Deterministic.");
        }

        var hasId = !string.IsNullOrWhiteSpace(options.ApplicationId);
        var hasSuffix = !string.IsNullOrEmpty(options.Suffix);
        if (!hasId && !hasSuffix)
        {
            failures.Add($"{Section}:ApplicationId is not set; set it to the legacy application's HttpRuntime.AppDomainAppId, e.g. /LM/W3SVC/1/ROOT/MyApp (the same site id on every server), or set {Section}:Suffix to the 8 hex digits at the end of its SessionId values.");
        }
        else if (hasId && hasSuffix)
        {
            failures.Add($"{Section}:ApplicationId and {Section}:Suffix are both set; set only one: Suffix when you know it, otherwise ApplicationId.");
        }

        if (hasSuffix && !IsSuffix(options.Suffix!))
        {
            failures.Add($"{Section}:Suffix '{options.Suffix}' is not 8 hexadecimal digits, e.g. 6565ceab (System.Web) or 3F1A02C4 (the async provider).");
        }

        if (hasId && options.ApplicationId!.Length > SqlServerStoreDefaults.AppNameLength)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:ApplicationId is {options.ApplicationId.Length} characters; dbo.TempGetAppID takes at most {SqlServerStoreDefaults.AppNameLength}."));
        }

        if (options.AsyncProviderTableName is { } table && !IsIdentifier(table))
        {
            failures.Add($"{Section}:AsyncProviderTableName '{table}' is not a plain SQL identifier (letters, digits and '_', at most 100 characters); set the async provider's sessionTableName.");
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout.Ticks % TimeSpan.TicksPerSecond != 0 || options.CommandTimeout.TotalSeconds > int.MaxValue)
        {
            failures.Add($"{Section}:CommandTimeout is {options.CommandTimeout}; set a whole number of seconds, at least 1 (the legacy sqlCommandTimeout, 00:00:30 by default).");
        }

        if (options.ConnectionRetryInterval < TimeSpan.Zero)
        {
            failures.Add($"{Section}:ConnectionRetryInterval is {options.ConnectionRetryInterval}; set zero (no retries, the default) or a positive time such as 00:00:10 (the legacy sqlConnectionRetryInterval).");
        }

        if (options.MaxItemBytes < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Section}:MaxItemBytes is {options.MaxItemBytes}; set at least 1 (default 64 MiB)."));
        }

        return failures;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with every failure when the options are invalid.</summary>
    public static void ThrowIfInvalid(SqlServerStoreOptions options)
    {
        var failures = Validate(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
    }

    /// <summary>
    /// System.Web's rule (<c>CreatePartitionInfo</c>): a connection string that names no database gets
    /// <c>Initial Catalog=ASPState</c>; one that names a database is refused unless <c>allowCustomSqlDatabase</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The string cannot be parsed, or names a database that is not allowed.</exception>
    public static string EffectiveConnectionString(SqlServerStoreOptions options)
    {
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"it is not a SQL Server connection string ({ex.Message}).", ex);
        }

        var database = !string.IsNullOrEmpty(builder.InitialCatalog) ? builder.InitialCatalog : builder.AttachDBFilename;
        if (string.IsNullOrEmpty(database))
        {
            builder.InitialCatalog = SqlServerStoreDefaults.DatabaseName;
            return builder.ConnectionString;
        }

        if (!options.AllowCustomSqlDatabase)
        {
            throw new ArgumentException(
                $"it names the database '{database}', which the legacy provider refuses unless allowCustomSqlDatabase=\"true\": remove it (ASPState is used) " +
                $"or, for a database made with aspnet_regsql -sstype c, set {Section}:AllowCustomSqlDatabase to true.");
        }

        return builder.ConnectionString;
    }

    private static bool IsSuffix(string value) => value.Length == SqlServerStoreDefaults.SuffixLength && value.All(char.IsAsciiHexDigit);

    private static bool IsIdentifier(string value) =>
        value.Length is > 0 and <= 100 && (char.IsAsciiLetter(value[0]) || value[0] == '_') && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
