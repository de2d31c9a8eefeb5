using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge;
using SessionBridge.DistributedCache;
using SessionBridge.Hosting;
using SessionBridge.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis session store and the Redis lock provider to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionRedisBuilderExtensions
{
    /// <summary>
    /// Uses Redis in the exact key layout and lock protocol of Microsoft.Web.RedisSessionStateProvider, so an unchanged
    /// legacy ASP.NET application on that provider shares its sessions. Selected by <c>LegacySession:Store = Redis</c>,
    /// or by being the store added last.
    /// </summary>
    /// <remarks>
    /// The options are bound from the configuration section <c>LegacySession:Redis</c> (<c>Configuration</c>,
    /// <c>KeyLayout</c>, <c>ExecutionTimeout</c>, <c>LockTimeZone</c>, <c>OperationTimeout</c>, …) and
    /// <c>LegacySession:ApplicationName</c>, then <paramref name="configure"/> runs. Unless set there, the lock's time to
    /// live is <see cref="LegacySessionOptions.ExecutionTimeout"/> (rounded up to whole seconds) and the fallback session
    /// timeout is <see cref="LegacySessionOptions.Timeout"/>. The options are validated when the application starts if
    /// the Redis store is the one in use; the store is disposed with the application.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddRedisStore(this ILegacySessionBuilder builder, Action<RedisSessionStoreOptions>? configure = null)
    {
        return LegacySessionStoreSetup.AddConfiguredStore<RedisSessionStoreOptions, RedisSessionStoreOptionsValidator>(
            builder,
            LegacySessionDefaults.RedisStoreName,
            LegacySessionDefaults.RedisConfigurationSection,
            static services => new RedisSessionStore(
                services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value,
                services.GetService<ILoggerFactory>()?.CreateLogger("SessionBridge.Redis"),
                services.GetService<TimeProvider>(),
                services.GetRequiredService<SessionBridge.Legacy.Format.LegacySessionFormat>()),
            configure,
            static services => Describe(services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value),
            static (options, configuration, services) =>
                new RedisSessionStoreOptionsSetup(services.GetRequiredService<IOptions<LegacySessionOptions>>(), configuration).Configure(options));
    }

    /// <summary>
    /// Makes the <c>DistributedCache</c> store (<c>.AddDistributedCacheStore()</c>) lock sessions in Redis, so several
    /// processes sharing sessions through an <c>IDistributedCache</c> never lose an update. Locks live for
    /// <see cref="LegacySessionOptions.ExecutionTimeout"/> (or the store's <c>LockTimeout</c>) and are released only by
    /// their owner.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="keyPrefix">The prefix of the lock keys; <c>SessionBridge:Lock:</c> by default.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddRedisLockProvider(this ILegacySessionBuilder builder, string configuration, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISessionLockProvider>(services =>
            RedisSessionLockProvider.Connect(configuration, keyPrefix, services.GetService<TimeProvider>())));
        return builder;
    }

    /// <summary>
    /// Makes the <c>DistributedCache</c> store lock sessions in Redis over a connection the application already has
    /// (e.g. the one its RedisCache uses), so both share one connection. SessionBridge does not dispose it, and it keeps
    /// the application's own settings (a connection made by SessionBridge fails fast while disconnected; set
    /// <c>BacklogPolicy = BacklogPolicy.FailFast</c> on yours for the same behaviour).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connection">Creates or returns the application's connection, once, from its services.</param>
    /// <param name="keyPrefix">The prefix of the lock keys; <c>SessionBridge:Lock:</c> by default.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddRedisLockProvider(this ILegacySessionBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISessionLockProvider>(services => new RedisSessionLockProvider(
            connection(services) ?? throw new InvalidOperationException("The connection factory given to AddRedisLockProvider returned null."),
            keyPrefix,
            services.GetService<TimeProvider>())));
        return builder;
    }

    /// <summary>Makes the <c>DistributedCache</c> store lock sessions in Redis over the given connection, which SessionBridge does not dispose.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connection">The application's connection.</param>
    /// <param name="keyPrefix">The prefix of the lock keys; <c>SessionBridge:Lock:</c> by default.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddRedisLockProvider(this ILegacySessionBuilder builder, IConnectionMultiplexer connection, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return builder.AddRedisLockProvider(_ => connection, keyPrefix);
    }

    /// <summary>The store's target for the start-up log line: endpoints and layout, never the password.</summary>
    private static string Describe(RedisSessionStoreOptions options)
    {
        string target;
        if (options.ConnectionMultiplexerFactory is not null)
        {
            target = "the application's connection";
        }
        else
        {
            var parsed = ConfigurationOptions.Parse(options.Configuration ?? string.Empty, ignoreUnknown: true);
            target = parsed.EndPoints.Count == 0 ? "no endpoint" : string.Join(", ", parsed.EndPoints.Select(EndPointCollection.ToString));
        }

        return $"{target}, layout {options.KeyLayout}, application '{options.ApplicationName}'";
    }
}
