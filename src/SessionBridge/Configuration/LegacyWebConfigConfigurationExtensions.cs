using Microsoft.Extensions.FileProviders;
using SessionBridge.Configuration;
using SessionBridge.Legacy.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Reads the legacy ASP.NET application's web.config as SessionBridge configuration.</summary>
public static class LegacyWebConfigConfigurationExtensions
{
    /// <summary>
    /// Adds the settings of a legacy web.config that decide how sessions and logins are shared
    /// (<c>&lt;sessionState&gt;</c> and the Redis provider, <c>&lt;machineKey&gt;</c>, <c>&lt;httpRuntime&gt;</c>,
    /// <c>&lt;httpCookies&gt;</c>, <c>&lt;forms&gt;</c>, the session <c>&lt;appSettings&gt;</c>) as <c>LegacySession:…</c> and
    /// <c>LegacyAuthentication:…</c> keys, under every other configuration source.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The source is inserted <b>first</b>, at the lowest precedence, wherever the call is made: appsettings.json,
    /// environment variables, the command line and any source added later all win over the web.config, so a value set
    /// explicitly for the ASP.NET Core application always takes effect. A relative path is relative to the
    /// builder's base path (the content root for <c>WebApplication.CreateBuilder</c>).
    /// </para>
    /// <para>
    /// The file is read once, when the configuration is built (for <c>builder.Configuration</c>, during this call). A
    /// web.config that cannot be read, is not well-formed, or cannot be shared as it is (InProc, cookieless, an
    /// unknown mode, …) throws <see cref="WebConfigImportException"/> naming the file, each setting and the fix.
    /// Warnings (settings to complete by hand, such as the IIS application id) are logged when the host starts, by
    /// <c>AddLegacySession</c>'s services, as event 801.
    /// </para>
    /// </remarks>
    /// <param name="builder">The configuration builder, e.g. <c>builder.Configuration</c>.</param>
    /// <param name="path">The legacy application's web.config, as deployed.</param>
    /// <param name="platform">
    /// The legacy application's runtime: <see cref="LegacyPlatform.Mono"/> makes <c>mode="StateServer"</c> Mono's
    /// state server (<c>LegacySession:Store = MonoStateServer</c>). Default <see cref="LegacyPlatform.SystemWeb"/>.
    /// </param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddLegacyWebConfig(this IConfigurationBuilder builder, string path, LegacyPlatform platform = LegacyPlatform.SystemWeb)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Enum.IsDefined(platform))
        {
            throw new ArgumentOutOfRangeException(nameof(platform), platform, "The legacy platform must be SystemWeb or Mono.");
        }

        var basePath = (builder.GetFileProvider() as PhysicalFileProvider)?.Root ?? AppContext.BaseDirectory;
        var full = Path.GetFullPath(path, basePath);
        builder.Sources.Insert(0, new LegacyWebConfigSource(full, platform));
        return builder;
    }
}
