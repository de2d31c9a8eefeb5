using System.Data.Common;
using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>mode="SQLServer"</c>: <c>sqlConnectionString</c> (a literal, or the name of a <c>&lt;connectionStrings&gt;</c>
/// entry) as System.Web uses it: without a database in it, System.Web appends <c>Initial Catalog=ASPState</c>, and the
/// import writes the string with that appended so both sides name the same database.
/// </summary>
/// <remarks>Source: ../spec/sqlserver-mode.md §4.1, §4.8. <c>sqlCommandTimeout</c> and <c>sqlConnectionRetryInterval</c> are not imported (SessionBridge's store has its own timeouts and retries).</remarks>
internal static class SqlServerMapper
{
    private const string DefaultConnectionString = "data source=localhost;Integrated Security=SSPI";

    private static readonly string[] s_databaseKeys = ["Initial Catalog", "Database", "AttachDBFilename"];

    public static void Map(XElement section, WebConfigSettings settings, WebConfigMapping mapping, LegacyPlatform platform)
    {
        const string Setting = SessionStateMapper.Setting + "/@sqlConnectionString";
        var attribute = WebConfigAttributes.Attribute(section, "sqlConnectionString");
        var literal = attribute?.Value.Trim() is { Length: > 0 } text ? text : DefaultConnectionString;
        if (literal.StartsWith("registry:", StringComparison.OrdinalIgnoreCase))
        {
            mapping.Warning(attribute, Setting,
                "the connection string is kept in the Windows registry of each legacy server (registry:…); it cannot be imported. Set LegacySession:SqlServer:ConnectionString to the same string.");
            SetStore(mapping, platform, attribute);
            return;
        }

        var connectionString = settings.ConnectionString(literal) ?? literal;
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            mapping.Error(attribute, Setting, "not a valid SQL Server connection string; System.Web cannot open it. Fix the legacy web.config.");
            return;
        }

        var namesDatabase = s_databaseKeys.Any(builder.ContainsKey);
        var allowCustom = WebConfigAttributes.Value(section, "allowCustomSqlDatabase") is { } allow && WebConfigValues.TryBool(allow, out var allowed) && allowed;
        if (namesDatabase && !allowCustom)
        {
            mapping.Error(attribute, Setting,
                "the connection string names a database, which System.Web refuses unless allowCustomSqlDatabase=\"true\" (the session module fails at start). Remove the database from the string, or set allowCustomSqlDatabase=\"true\" in the legacy web.config.");
            return;
        }

        if (!namesDatabase)
        {
            connectionString = connectionString.TrimEnd().TrimEnd(';') + ";Initial Catalog=ASPState";
        }

        SetStore(mapping, platform, attribute);
        mapping.Set(WebConfigKeys.SqlServerConnectionString, connectionString);
        if (attribute is null)
        {
            mapping.Warning(section, Setting,
                $"not set, so System.Web uses its default '{DefaultConnectionString}' on each legacy server: a SQL Server on that same machine. SessionBridge would connect to its own machine; set LegacySession:SqlServer:ConnectionString to the server both applications use.");
        }

        if (builder.TryGetValue("Integrated Security", out var integrated) && integrated is string sspi
            && (sspi.Equals("SSPI", StringComparison.OrdinalIgnoreCase) || sspi.Equals("true", StringComparison.OrdinalIgnoreCase) || sspi.Equals("yes", StringComparison.OrdinalIgnoreCase)))
        {
            mapping.Warning(attribute, Setting,
                "Integrated Security logs in as the legacy application pool's Windows identity; SessionBridge logs in as its own process identity, which needs the same rights on ASPState (on Linux that means Kerberos, or a SQL login in LegacySession:SqlServer:ConnectionString).");
        }

        mapping.Warning(null, WebConfigKeys.SqlServerApplicationId,
            "must be set by you: the legacy application's IIS application id (HttpRuntime.AppDomainAppId, /LM/W3SVC/<site id>/ROOT[/<virtual directory>]), from which System.Web derives the suffix of every session id in ASPStateTempSessions. " +
            "It is not in web.config, and it must be the same on every legacy server (the same IIS site id everywhere) or each server sees its own sessions only.");
    }

    private static void SetStore(WebConfigMapping mapping, LegacyPlatform platform, XAttribute? at)
    {
        mapping.Set(WebConfigKeys.Store, "SqlServer");
        mapping.Set(WebConfigKeys.LegacyPlatform, platform == LegacyPlatform.Mono ? "Mono" : "SystemWeb");
        if (platform == LegacyPlatform.Mono)
        {
            mapping.Warning(at, SessionStateMapper.Setting + "/@mode",
                "SessionBridge's SQL Server store calls Microsoft's ASPState procedures; Mono's SQLServer mode has not been checked against them. Verify with a test session before relying on it.");
        }
    }
}
