using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionBridge;
using SessionBridge.DistributedCache;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Stores.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds session stores to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionBuilderExtensions
{
    /// <summary>
    /// Uses the embedded in-memory store (sliding expiry, locks with a time to live, bounded growth). Sessions live in
    /// this process only: use it for a new application or for development, not to share sessions with a legacy app.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddInMemoryStore(this ILegacySessionBuilder builder, Action<InMemorySessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder.AddStore(LegacySessionDefaults.InMemoryStoreName, CreateInMemoryStore);
    }

    /// <summary>
    /// Uses the application's <see cref="IDistributedCache"/> (register one first, e.g. <c>AddDistributedMemoryCache()</c>
    /// or a Redis or SQL Server cache) with locks from the registered <see cref="ISessionLockProvider"/>; without one,
    /// <see cref="InProcessSessionLockProvider"/>, which orders the requests of this process only.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddDistributedCacheStore(this ILegacySessionBuilder builder, Action<DistributedCacheSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DistributedCacheSessionStoreOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<ISessionLockProvider>(services => new InProcessSessionLockProvider(services.GetService<TimeProvider>()));
        return builder.AddStore(LegacySessionDefaults.DistributedCacheStoreName, static services => new DistributedCacheSessionStore(
            services.GetService<IDistributedCache>() ?? throw new InvalidOperationException(
                "The DistributedCache session store needs an IDistributedCache: register one before the app starts, e.g. services.AddDistributedMemoryCache() or a Redis or SQL Server cache."),
            services.GetRequiredService<ISessionLockProvider>(),
            services.GetRequiredService<IOptions<DistributedCacheSessionStoreOptions>>().Value,
            services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.ExecutionTimeout,
            services.GetService<TimeProvider>(),
            services.GetRequiredService<LegacySessionFormat>()));
    }

    /// <summary>
    /// Adds a store the application can select by <paramref name="name"/> (<see cref="LegacySessionOptions.Store"/>);
    /// without that option the store added last is used.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The store's name.</param>
    /// <param name="factory">Creates the store once.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddStore(this ILegacySessionBuilder builder, string name, Func<IServiceProvider, ILegacySessionStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new LegacySessionStoreRegistration(name, factory));
        return builder;
    }

    internal static ILegacySessionStore CreateInMemoryStore(IServiceProvider services) => new InMemorySessionStore(
        services.GetRequiredService<IOptions<InMemorySessionStoreOptions>>().Value,
        services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.ExecutionTimeout,
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetRequiredService<LegacySessionFormat>());
}
