namespace SessionBridge.Redis;

/// <summary>
/// The one set of rules for <see cref="RedisSessionStoreOptions"/>, used by the start-up validation and by the store's
/// constructor; each message names the configuration key to set.
/// </summary>
internal static class RedisSessionStoreOptionsValidation
{
    private const string Section = LegacySessionDefaults.RedisConfigurationSection;

    /// <summary>Polly's circuit breaker accepts break durations from 0.5 seconds to one day.</summary>
    private static readonly TimeSpan MinBreakDuration = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan MaxBreakDuration = TimeSpan.FromDays(1);

    public static List<string> Validate(RedisSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ConnectionMultiplexerFactory is null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add($"The Redis session store has no connection: set {Section}:Configuration to the legacy provider's connection string " +
                         "(e.g. \"localhost:6379\" or \"host:6380,password=…,ssl=true\"), or RedisSessionStoreOptions.ConnectionMultiplexerFactory in AddRedisStore(o => …).");
        }

        if (string.IsNullOrEmpty(options.ApplicationName))
        {
            failures.Add($"The Redis application name is empty: set {LegacySessionDefaults.ApplicationNameKey} to the legacy provider's applicationName, exactly (\"/\" for a site-root application, \"/MyApp\" for a virtual directory).");
        }

        if (!Enum.IsDefined(options.KeyLayout))
        {
            failures.Add($"{Section}:KeyLayout is {options.KeyLayout}; set V5 (Microsoft.Web.RedisSessionStateProvider 5.x) or V2To4 (2.x–4.x).");
        }

        if (options.ProviderVersion is null || options.ProviderVersion.Major is < 1 or > 4)
        {
            failures.Add($"{Section}:ProviderVersion is {options.ProviderVersion?.ToString() ?? "empty"}; set the legacy Microsoft.Web.RedisSessionStateProvider 2.x–4.x assembly version, e.g. 3.0.2.0 (default 4.0.1.0).");
        }

        RequireWholeSeconds(failures, options.ExecutionTimeout, "ExecutionTimeout", "the lock's time to live, the legacy httpRuntime executionTimeout, e.g. 00:01:50");
        RequireWholeSeconds(failures, options.SessionTimeout, "SessionTimeout", "e.g. 00:20:00");
        if (options.OperationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:OperationTimeout is {options.OperationTimeout}; set a positive time, e.g. 00:00:05.");
        }

        if (options.ReadRetries is < 0 or > 10)
        {
            failures.Add($"{Section}:ReadRetries is {options.ReadRetries}; set 0 to 10 (default 2).");
        }

        if (options.BreakDuration < MinBreakDuration || options.BreakDuration > MaxBreakDuration)
        {
            failures.Add($"{Section}:BreakDuration is {options.BreakDuration}; set 00:00:00.5 to 1.00:00:00 (default 00:00:05).");
        }

        return failures;
    }

    private static void RequireWholeSeconds(List<string> failures, TimeSpan value, string key, string hint)
    {
        if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0 || value.TotalSeconds > int.MaxValue)
        {
            failures.Add($"{Section}:{key} is {value}; set a whole number of seconds, at least 1 ({hint}); Redis expiries are in seconds.");
        }
    }
}
