using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Hosting;

/// <summary>
/// The one way a store registers (the in-memory, distributed-cache, Redis, state server, Mono state server and SQL
/// Server stores all come through here): its options bound from <c>LegacySession:&lt;Store&gt;</c>, validated at start
/// by its own validator only when it is the selected store, the named registration added once however often the
/// <c>Add…Store()</c> method is called (moved last, so "the store added last" stays true), then the caller's
/// <c>configure</c> on top.
/// </summary>
internal static class LegacySessionStoreSetup
{
    /// <summary>Registers a store.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="storeName">The name <c>LegacySession:Store</c> selects it by.</param>
    /// <param name="configurationSection">The section its options bind from, e.g. <c>LegacySession:Redis</c>.</param>
    /// <param name="factory">Creates the store once.</param>
    /// <param name="configure">The application's own configuration of the options, applied after binding.</param>
    /// <param name="describe">Describes the store and its target for the start-up log line, e.g. <c>127.0.0.1:6379, layout V5</c>.</param>
    /// <param name="bind">
    /// Binds the options from the configuration root instead of <c>GetSection(configurationSection).Bind(options)</c>,
    /// for options that take defaults from elsewhere first.
    /// </param>
    public static ILegacySessionBuilder AddConfiguredStore<TOptions, TValidator>(
        ILegacySessionBuilder builder,
        string storeName,
        string configurationSection,
        Func<IServiceProvider, ILegacySessionStore> factory,
        Action<TOptions>? configure,
        Func<IServiceProvider, string>? describe = null,
        Action<TOptions, IConfiguration, IServiceProvider>? bind = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(LegacySessionStoreRegistration)
            && d.ImplementationInstance is LegacySessionStoreRegistration registration
            && string.Equals(registration.Name, storeName, StringComparison.OrdinalIgnoreCase));
        if (existing is null)
        {
            var options = services.AddOptions<TOptions>();
            options.Configure<IServiceProvider>((o, provider) =>
            {
                if (provider.GetService<IConfiguration>() is not { } configuration)
                {
                    return;
                }

                if (bind is null)
                {
                    configuration.GetSection(configurationSection).Bind(o);
                }
                else
                {
                    bind(o, configuration, provider);
                }
            });
            options.ValidateOnStart();
            services.AddSingleton<IValidateOptions<TOptions>>(provider => new SelectedStoreValidator<TOptions>(
                storeName,
                ActivatorUtilities.CreateInstance<TValidator>(provider),
                provider.GetServices<LegacySessionStoreRegistration>(),
                provider.GetRequiredService<IOptions<LegacySessionOptions>>()));
            services.AddSingleton(new LegacySessionStoreRegistration(storeName, factory) { Describe = describe });
        }
        else
        {
            services.Remove(existing);
            services.Add(existing);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
