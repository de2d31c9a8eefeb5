using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Hosting;

/// <summary>
/// The one way a store package registers its store: options bound from its configuration section and validated at
/// start by its validator, the named registration added once however often the <c>Add…Store()</c> method is called,
/// then the caller's <c>configure</c> on top.
/// </summary>
internal static class LegacySessionStoreSetup
{
    public static ILegacySessionBuilder AddConfiguredStore<TOptions, TValidator>(
        ILegacySessionBuilder builder,
        string storeName,
        string configurationSection,
        Func<IServiceProvider, ILegacySessionStore> factory,
        Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<TOptions>();
        if (!services.Any(d => d.ImplementationInstance is LegacySessionStoreRegistration registration
            && string.Equals(registration.Name, storeName, StringComparison.OrdinalIgnoreCase)))
        {
            options.Configure<IServiceProvider>((o, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(configurationSection).Bind(o));
            options.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
            services.AddSingleton(new LegacySessionStoreRegistration(storeName, factory));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
