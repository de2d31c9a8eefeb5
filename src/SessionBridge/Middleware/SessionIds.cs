using SessionBridge.Legacy.Configuration;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Middleware;

/// <summary>The session IDs of the configured <see cref="LegacyPlatform"/>: Microsoft's System.Web rules or Mono's.</summary>
internal static class SessionIds
{
    /// <summary>A new ID, minted as the legacy platform mints them.</summary>
    public static string Create(LegacyPlatform platform) =>
        platform == LegacyPlatform.Mono ? MonoSessionId.Create() : SessionId.Create();

    /// <summary>Accepts a presented ID by the legacy platform's rules; <see langword="null"/> when it is refused.</summary>
    public static string? Accept(LegacyPlatform platform, string? value) =>
        platform == LegacyPlatform.Mono
            ? MonoSessionId.TryNormalize(value, out var mono) ? mono : null
            : SessionId.TryNormalize(value, out var id) ? id : null;

    /// <summary>The session format the platform's stores hold.</summary>
    public static LegacySessionDialect Dialect(LegacyPlatform platform) =>
        platform == LegacyPlatform.Mono ? LegacySessionDialect.Mono : LegacySessionDialect.Microsoft;
}
