namespace SessionBridge.Legacy.Configuration;

/// <summary>What <see cref="WebConfigImporter"/> needs to know beyond the web.config itself.</summary>
public sealed class WebConfigImportOptions
{
    /// <summary>
    /// The legacy application's runtime. A web.config reads the same on both, but <c>mode="StateServer"</c> means an
    /// [MS-ASP] state server on <see cref="LegacyPlatform.SystemWeb"/> and Mono's Remoting state server on
    /// <see cref="LegacyPlatform.Mono"/>. Default <see cref="LegacyPlatform.SystemWeb"/>.
    /// </summary>
    public LegacyPlatform Platform { get; set; } = LegacyPlatform.SystemWeb;
}
