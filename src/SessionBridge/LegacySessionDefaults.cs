using Microsoft.AspNetCore.Http;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge;

/// <summary>The defaults of <see cref="LegacySessionOptions"/>; System.Web's own come from <see cref="SystemWebDefaults"/>.</summary>
internal static class LegacySessionDefaults
{
    public const string ConfigurationSection = "LegacySession";
    public const string CookieName = "ASP.NET_SessionId";
    public const SameSiteMode CookieSameSite = SameSiteMode.Lax;
    public const CookieSecurePolicy CookieSecure = CookieSecurePolicy.None;
    public const int TimeoutMinutes = SystemWebDefaults.TimeoutMinutes;
    public const int MinTimeoutMinutes = SystemWebDefaults.MinTimeoutMinutes;
    public const int MaxTimeoutMinutes = SystemWebDefaults.MaxTimeoutMinutes;
    public const LegacyPlatform Platform = LegacyPlatform.SystemWeb;
    public const LegacySessionBehavior Behavior = LegacySessionBehavior.Required;
    public const int RequestQueueLimit = SystemWebDefaults.RequestQueueLimitPerSession;
    public const int StoreFailureStatusCode = StatusCodes.Status503ServiceUnavailable;
    public const int CorruptSessionStatusCode = StatusCodes.Status500InternalServerError;
    public const string InMemoryStoreName = "InMemory";
    public const string DistributedCacheStoreName = "DistributedCache";
    public const string RedisStoreName = "Redis";
    public const string RedisConfigurationSection = "LegacySession:Redis";
    public const string ApplicationNameKey = "LegacySession:ApplicationName";

    public static readonly TimeSpan ExecutionTimeout = SystemWebDefaults.ExecutionTimeout;
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxLockPollInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MinLockPollInterval = TimeSpan.FromMilliseconds(5);
}
