using SessionBridge;
using SessionBridge.Hosting;
using SessionBridge.StateServer.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ASP.NET state server store to the builder <c>AddLegacySession</c> returns.</summary>
public static class LegacySessionStateServerBuilderExtensions
{
    /// <summary>
    /// Uses the ASP.NET state server (<c>aspnet_state.exe</c>, or SessionBridge's own) the legacy application in
    /// <c>StateServer</c> mode uses, with the same keys and blobs, so both applications share their sessions. The store
    /// is named <c>StateServer</c> (<c>LegacySession:Store = StateServer</c>).
    /// </summary>
    /// <remarks>
    /// The options bind from the configuration section <c>LegacySession:StateServer</c> (<c>ConnectionString</c> in the
    /// legacy syntax <c>tcpip=host:port</c>, <c>ApplicationId</c> such as <c>/LM/W3SVC/1/ROOT/MyApp</c>,
    /// <c>KeyScheme</c>, <c>NetworkTimeout</c>, …; SHA-256 key hashing by default), then <paramref name="configure"/>
    /// runs. When this store is the one selected, the options are validated at start and the message says what to set.
    /// The store is created once and disposed with the application.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the store after the configuration section was bound.</param>
    /// <returns>The builder.</returns>
    public static ILegacySessionBuilder AddStateServerStore(this ILegacySessionBuilder builder, Action<StateServerStoreOptions>? configure = null)
    {
        return LegacySessionStoreSetup.AddConfiguredStore<StateServerStoreOptions, StateServerStoreOptionsValidator>(builder, StateServerStoreSetup.StoreName, StateServerStoreSetup.ConfigurationSection, StateServerStoreSetup.Create, configure,
            static services => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StateServerStoreOptions>>().Value is var o
                ? $"{(o.PartitionConnectionStrings.Count > 0 ? $"{o.PartitionConnectionStrings.Count} partitions" : o.ConnectionString)}, application '{o.ApplicationId}'"
                : string.Empty);
    }
}
