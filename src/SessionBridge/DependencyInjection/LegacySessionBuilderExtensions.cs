using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionBridge;
using SessionBridge.DistributedCache;
using SessionBridge.Hosting;
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
    public static ILegacySessionBuilder AddInMemoryStore(this ILegacySessionBuilder builder, Action<InMemorySessionStoreOptions>? configure = null) =>
        AddInMemoryStoreCore(builder, configure);

    /// <summary>
    /// Uses the application's <see cref="IDistributedCache"/> (register one first, e.g. <c>AddDistributedMemoryCache()</c>
    /// or a Redis or SQL Server cache) with locks from the registered <see cref="ISessionLockProvider"/>; without one,
    /// <see cref="InProcessSessionLockProvider"/>, which orders the requests of this process only. The options bind from
    /// <c>LegacySession:DistributedCache</c> (<c>KeyPrefix</c>, <c>LockTimeout</c>), then <paramref name="configure"/> runs.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddDistributedCacheStore(this ILegacySessionBuilder builder, Action<DistributedCacheSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ISessionLockProvider>(services => new InProcessSessionLockProvider(services.GetService<TimeProvider>()));
        return LegacySessionStoreSetup.AddConfiguredStore<DistributedCacheSessionStoreOptions, DistributedCacheStoreOptionsValidator>(
            builder,
            LegacySessionDefaults.DistributedCacheStoreName,
            LegacySessionDefaults.ConfigurationSection + ":" + LegacySessionDefaults.DistributedCacheStoreName,
            static services => new DistributedCacheSessionStore(
                services.GetService<IDistributedCache>() ?? throw new InvalidOperationException(
                    "The DistributedCache session store needs an IDistributedCache. Register one before the app starts, e.g. services.AddDistributedMemoryCache() or a Redis or SQL Server cache."),
                services.GetRequiredService<ISessionLockProvider>(),
                services.GetRequiredService<IOptions<DistributedCacheSessionStoreOptions>>().Value,
                services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.ExecutionTimeout,
                services.GetService<TimeProvider>(),
                services.GetRequiredService<LegacySessionFormat>()),
            configure,
            static services => $"{services.GetService<IDistributedCache>()?.GetType().Name ?? "no IDistributedCache registered"}, locks: {services.GetService<ISessionLockProvider>()?.GetType().Name}");
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

    /// <summary>The in-memory store's registration; <c>AddLegacySession</c> makes it once so that it is always selectable.</summary>
    internal static ILegacySessionBuilder AddInMemoryStoreCore(ILegacySessionBuilder builder, Action<InMemorySessionStoreOptions>? configure) =>
        LegacySessionStoreSetup.AddConfiguredStore<InMemorySessionStoreOptions, InMemoryStoreOptionsValidator>(
            builder,
            LegacySessionDefaults.InMemoryStoreName,
            LegacySessionDefaults.ConfigurationSection + ":" + LegacySessionDefaults.InMemoryStoreName,
            CreateInMemoryStore,
            configure,
            static services => services.GetRequiredService<IOptions<InMemorySessionStoreOptions>>().Value.MaxSessions is { } max
                ? $"this process, at most {max} sessions"
                : "this process");

    private static ILegacySessionStore CreateInMemoryStore(IServiceProvider services) => new InMemorySessionStore(
        services.GetRequiredService<IOptions<InMemorySessionStoreOptions>>().Value,
        services.GetRequiredService<IOptions<LegacySessionOptions>>().Value.ExecutionTimeout,
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetRequiredService<LegacySessionFormat>());
}
