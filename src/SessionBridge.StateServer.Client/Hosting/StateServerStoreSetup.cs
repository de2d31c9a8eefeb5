using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>The state server store's name, configuration section and factory.</summary>
internal static class StateServerStoreSetup
{
    public const string StoreName = "StateServer";

    public const string ConfigurationSection = LegacySessionDefaults.ConfigurationSection + ":" + StoreName;

    public static ILegacySessionStore Create(IServiceProvider services) => new StateServerSessionStore(
        services.GetRequiredService<IOptions<StateServerStoreOptions>>().Value,
        services.GetService<TimeProvider>(),
        services.GetService<ILoggerFactory>()?.CreateLogger<StateServerSessionStore>(),
        services.GetRequiredService<LegacySessionFormat>());
}
