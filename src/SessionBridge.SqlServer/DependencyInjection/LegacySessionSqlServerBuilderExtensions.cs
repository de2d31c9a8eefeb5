using SessionBridge;
using SessionBridge.Hosting;
using SessionBridge.SqlServer;
using SessionBridge.SqlServer.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQL Server (ASPState) session store to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionSqlServerBuilderExtensions
{
    /// <summary>
    /// Uses the ASPState database of a legacy application in <c>&lt;sessionState mode="SQLServer"&gt;</c>, through the
    /// same stored procedures, row keys and blobs as System.Web, so both applications share their sessions. The store is
    /// named <c>SqlServer</c> (<c>LegacySession:Store = SqlServer</c>).
    /// </summary>
    /// <remarks>
    /// The options bind from the configuration section <c>LegacySession:SqlServer</c> (<c>ConnectionString</c>,
    /// <c>ApplicationId</c> such as <c>/LM/W3SVC/1/ROOT/MyApp</c> or <c>Suffix</c>, <c>Compatibility</c>,
    /// <c>CommandTimeout</c>, <c>ConnectionRetryInterval</c>, …), then <paramref name="configure"/> runs. When this store
    /// is the one selected, the options are validated at start and the message says what to set. The store is created
    /// once; it opens pooled connections per call.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store after the configuration section was bound.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddSqlServerStore(this ILegacySessionBuilder builder, Action<SqlServerStoreOptions>? configure = null)
    {
        return LegacySessionStoreSetup.AddConfiguredStore<SqlServerStoreOptions, SqlServerStoreOptionsValidator>(builder, SqlServerStoreDefaults.StoreName, SqlServerStoreDefaults.ConfigurationSection, SqlServerStoreSetup.Create, configure,
            static services => Describe(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SqlServerStoreOptions>>().Value));
    }

    /// <summary>The store's target for the start-up log line: server and database, never the credentials.</summary>
    private static string Describe(SqlServerStoreOptions options)
    {
        var connection = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(options.ConnectionString);
        return $"{connection.DataSource}, database '{(connection.InitialCatalog.Length == 0 ? "ASPState" : connection.InitialCatalog)}', {options.Compatibility}";
    }
}
