using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge;
using SessionBridge.Legacy.Stores.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis store to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionRedisBuilderExtensions
{
    /// <summary>The name that selects the Redis store (<c>LegacySession:Store = Redis</c>).</summary>
    internal const string StoreName = "Redis";

    /// <summary>
    /// Uses Redis in the exact key layout and lock protocol of Microsoft.Web.RedisSessionStateProvider, so a legacy
    /// application on that provider shares its sessions unchanged; requests waiting for a lock in any process are woken
    /// through Redis pub/sub.
    /// </summary>
    /// <remarks>
    /// The lock's time to live is <see cref="LegacySessionOptions.ExecutionTimeout"/> (rounded up to whole seconds), and
    /// a session without a stored timeout gets <see cref="LegacySessionOptions.Timeout"/>; the values of
    /// <see cref="RedisSessionStoreOptions.ExecutionTimeout"/> and <see cref="RedisSessionStoreOptions.SessionTimeout"/>
    /// are not used here. The store connects on first use and validates its options then.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store: at least <see cref="RedisSessionStoreOptions.Configuration"/> and the
    /// legacy <see cref="RedisSessionStoreOptions.ApplicationName"/>.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddRedisStore(this ILegacySessionBuilder builder, Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisSessionStoreOptions>();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder.AddStore(StoreName, static services =>
        {
            var configured = services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
            var session = services.GetRequiredService<IOptions<LegacySessionOptions>>().Value;
            var options = new RedisSessionStoreOptions
            {
                Configuration = configured.Configuration,
                ConnectionMultiplexerFactory = configured.ConnectionMultiplexerFactory,
                ApplicationName = configured.ApplicationName,
                KeyLayout = configured.KeyLayout,
                LockTimeZone = configured.LockTimeZone,
                OperationTimeout = configured.OperationTimeout,
                ReadRetries = configured.ReadRetries,
                BreakDuration = configured.BreakDuration,
                ExecutionTimeout = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(session.ExecutionTimeout.TotalSeconds))),
                SessionTimeout = TimeSpan.FromMinutes(Math.Max(1, session.Timeout)),
            };
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<RedisSessionStore>();
            return new RedisSessionStore(options, logger, services.GetService<TimeProvider>());
        });
    }
}
