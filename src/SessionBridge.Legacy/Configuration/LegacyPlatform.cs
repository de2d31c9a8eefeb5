namespace SessionBridge.Legacy.Configuration;

/// <summary>The runtime the legacy System.Web application runs on, which a web.config does not say.</summary>
public enum LegacyPlatform
{
    /// <summary>Microsoft's .NET Framework System.Web (IIS). The default.</summary>
    SystemWeb,

    /// <summary>Mono's System.Web (e.g. xsp or mod-mono/fastcgi on Linux): its state server speaks .NET Remoting.</summary>
    Mono,
}
