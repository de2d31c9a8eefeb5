using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge;

/// <summary>The defaults of <see cref="LegacySessionOptions"/>, System.Web's where it has one.</summary>
internal static class LegacySessionDefaults
{
    public const string ConfigurationSection = "LegacySession";
    public const string CookieName = "ASP.NET_SessionId";
    public const SameSiteMode CookieSameSite = SameSiteMode.Lax;
    public const CookieSecurePolicy CookieSecure = CookieSecurePolicy.None;
    public const int TimeoutMinutes = 20;
    public const int MinTimeoutMinutes = 1;
    public const int MaxTimeoutMinutes = 525_600;
    public const LegacyPlatform Platform = LegacyPlatform.SystemWeb;
    public const LegacySessionBehavior Behavior = LegacySessionBehavior.Required;
    public const int RequestQueueLimit = 50;
    public const int StoreFailureStatusCode = StatusCodes.Status503ServiceUnavailable;
    public const int CorruptSessionStatusCode = StatusCodes.Status500InternalServerError;
    public const string InMemoryStoreName = "InMemory";
    public const string DistributedCacheStoreName = "DistributedCache";
    public const string RedisStoreName = "Redis";
    public const string RedisConfigurationSection = "LegacySession:Redis";
    public const string ApplicationNameKey = "LegacySession:ApplicationName";

    public static readonly TimeSpan ExecutionTimeout = TimeSpan.FromSeconds(110);
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxLockPollInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MinLockPollInterval = TimeSpan.FromMilliseconds(5);
}
