using SessionBridge;
using SessionBridge.Hosting;
using SessionBridge.StateServer.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Mono state server store to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionMonoStateServerBuilderExtensions
{
    /// <summary>
    /// Uses the state server a Mono application in <c>StateServer</c> mode uses (Mono's <c>asp-state4.exe</c>, or
    /// SessionBridge's state server, which speaks Mono's .NET Remoting protocol on its port), with the same bare
    /// session ids and Mono's session format, so both applications share their sessions. The store is named
    /// <c>MonoStateServer</c> (<c>LegacySession:Store = MonoStateServer</c>).
    /// </summary>
    /// <remarks>
    /// The options bind from the configuration section <c>LegacySession:MonoStateServer</c> (<c>ConnectionString</c> in
    /// the legacy syntax <c>tcpip=host:port</c>, <c>NetworkTimeout</c>, <c>CompressionEnabled</c>, …), then
    /// <paramref name="configure"/> runs. When this store is the one selected, the options are validated at start
    /// (including <c>LegacySession:LegacyPlatform = Mono</c>) and the message says what to set.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store after the configuration section was bound.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddMonoStateServerStore(this ILegacySessionBuilder builder, Action<MonoStateServerStoreOptions>? configure = null)
    {
        return LegacySessionStoreSetup.AddConfiguredStore<MonoStateServerStoreOptions, MonoStateServerStoreOptionsValidator>(builder, MonoStateServerStoreSetup.StoreName, MonoStateServerStoreSetup.ConfigurationSection, MonoStateServerStoreSetup.Create, configure,
            static services => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MonoStateServerStoreOptions>>().Value.ConnectionString ?? string.Empty);
    }
}
