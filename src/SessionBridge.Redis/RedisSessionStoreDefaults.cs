
namespace SessionBridge.Redis;

/// <summary>The defaults of <see cref="RedisSessionStoreOptions"/>, each the legacy provider's or System.Web's.</summary>
internal static class RedisSessionStoreDefaults
{
    /// <summary>The provider's application name for a site-root application.</summary>
    public const string ApplicationName = "/";

    /// <summary><c>&lt;httpRuntime executionTimeout&gt;</c>: 110 seconds.</summary>
    public static readonly TimeSpan ExecutionTimeout = Legacy.SystemWebDefaults.ExecutionTimeout;

    /// <summary><c>&lt;sessionState timeout&gt;</c>: 20 minutes.</summary>
    public static readonly TimeSpan SessionTimeout = Legacy.SystemWebDefaults.Timeout;

    /// <summary>The provider's <c>retryTimeoutInMilliseconds</c>: 5 seconds for a whole operation, retries included.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a failed read-only read.</summary>
    public const int ReadRetries = 2;

    /// <summary>How long the circuit stays open after it breaks.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The assembly version of Microsoft.Web.RedisSessionStateProvider 4.0.1, the last 2.x–4.x release.</summary>
    public static readonly Version ProviderVersion = new(4, 0, 1, 0);

    /// <summary>Prefix of the per-application lock-release channel.</summary>
    public const string ChannelPrefix = "SessionBridge:LockReleased:";
}
