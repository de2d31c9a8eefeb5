namespace SessionBridge.Legacy;

/// <summary>
/// System.Web's own defaults, in one place for every package: the middleware's options, the stores and the state
/// server host take them from here (../spec/legacy-session-format.md, ../spec/ms-asp-summary.md).
/// </summary>
internal static class SystemWebDefaults
{
    /// <summary><c>&lt;sessionState timeout&gt;</c>: 20 minutes.</summary>
    public const int TimeoutMinutes = 20;

    /// <summary>The smallest <c>&lt;sessionState timeout&gt;</c>: 1 minute.</summary>
    public const int MinTimeoutMinutes = 1;

    /// <summary>The largest <c>&lt;sessionState timeout&gt;</c>: 525,600 minutes (one year).</summary>
    public const int MaxTimeoutMinutes = 525_600;

    /// <summary><c>appSettings aspnet:RequestQueueLimitPerSession</c>: 50.</summary>
    public const int RequestQueueLimitPerSession = 50;

    /// <summary><c>&lt;httpRuntime executionTimeout&gt;</c>: 110 seconds, the lifetime of a session lock.</summary>
    public static readonly TimeSpan ExecutionTimeout = TimeSpan.FromSeconds(110);

    /// <summary><see cref="TimeoutMinutes"/> as a time span.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(TimeoutMinutes);
}
