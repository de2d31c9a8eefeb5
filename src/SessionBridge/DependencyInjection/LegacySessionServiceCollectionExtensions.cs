using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionBridge;
using SessionBridge.Diagnostics;
using SessionBridge.Hosting;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;
using SessionBridge.Locking;
using SessionBridge.Middleware;
using SessionBridge.Session;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds System.Web-compatible sessions (<c>ASP.NET_SessionId</c>, exclusive locking, the legacy format and stores).</summary>
public static class LegacySessionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the legacy session services, configured in code. The embedded in-memory store is used unless another
    /// store is added on the returned builder. Call <c>app.UseLegacySession()</c> after routing.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to add a store on.</returns>
    public static ILegacySessionBuilder AddLegacySession(this IServiceCollection services, Action<LegacySessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new LegacySessionBuilder(services);
    }

    /// <summary>
    /// Adds the legacy session services, configured from a configuration section (usually <c>"LegacySession"</c>):
    /// <c>CookieName</c>, <c>Timeout</c>, <c>ExecutionTimeout</c>, <c>Store</c>, … (see <see cref="LegacySessionOptions"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>A builder to add a store on.</returns>
    public static ILegacySessionBuilder AddLegacySession(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services);
        services.Configure<LegacySessionOptions>(configuration);
        services.AddSingleton(new LegacySessionConfigurationSection(configuration));
        return new LegacySessionBuilder(services);
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddOptions<LegacySessionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LegacySessionOptions>, LegacySessionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LegacySessionOptions>, LegacySessionStoreValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SessionBridgeMetrics>();
        services.TryAddSingleton<SessionLockCoordinator>();
        services.TryAddSingleton<LegacySessionStoreResolver>();
        services.TryAddSingleton<ISessionValueConverter, PassThroughSessionValueConverter>();
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<LegacySessionOptions>>().Value;
            return new LegacySessionFormat(
                new LegacyValueSerializer(options.Types),
                options.CompressionEnabled,
                dialect: SessionIds.Dialect(options.LegacyPlatform));
        });
        services.TryAddSingleton<StoreInvoker>();
        services.TryAddSingleton<SessionLockAcquirer>();
        services.TryAddSingleton<SessionCommitter>();
        services.TryAddSingleton<SessionProblems>();
        services.TryAddSingleton<LegacySessionEndpointPolicy>();
        services.TryAddSingleton<LegacySessionPipelineCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, LegacySessionPipelineCheck.StartupFilter>());
        services.TryAddSingleton<LegacySessionMiddleware>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LegacySessionStartupLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LegacyWebConfigWarningLogger>());

        // The embedded store is always there, so that it is the default and LegacySession:Store = InMemory always works.
        if (!services.Any(d => d.ImplementationInstance is LegacySessionStoreRegistration { Name: LegacySessionDefaults.InMemoryStoreName }))
        {
            LegacySessionBuilderExtensions.AddInMemoryStoreCore(new LegacySessionBuilder(services), null);
        }
    }

}
