using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.SqlServer.Procedures;

namespace SessionBridge.SqlServer.Hosting;

/// <summary>Creates the SQL Server store from the application's services.</summary>
internal static class SqlServerStoreSetup
{
    public static ILegacySessionStore Create(IServiceProvider services) => new SqlServerSessionStore(
        services.GetRequiredService<IOptions<SqlServerStoreOptions>>().Value,
        // Only the tests register an executor (a model of the procedures); applications get Microsoft.Data.SqlClient.
        services.GetService<ISqlProcedureExecutor>(),
        services.GetService<TimeProvider>(),
        services.GetService<ILoggerFactory>()?.CreateLogger("SessionBridge.SqlServer"),
        services.GetRequiredService<LegacySessionFormat>());
}
