using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>The Mono state server store's name, configuration section and factory.</summary>
internal static class MonoStateServerStoreSetup
{
    public const string StoreName = "MonoStateServer";

    public const string ConfigurationSection = LegacySessionDefaults.ConfigurationSection + ":" + StoreName;

    public static ILegacySessionStore Create(IServiceProvider services) => new MonoStateServerSessionStore(
        services.GetRequiredService<IOptions<MonoStateServerStoreOptions>>().Value,
        services.GetService<TimeProvider>(),
        services.GetService<ILoggerFactory>()?.CreateLogger<MonoStateServerSessionStore>(),
        services.GetRequiredService<LegacySessionFormat>());
}
