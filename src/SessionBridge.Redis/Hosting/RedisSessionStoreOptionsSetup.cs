using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SessionBridge.Redis;

namespace SessionBridge.Hosting;

/// <summary>
/// Fills <see cref="RedisSessionStoreOptions"/> before the application's own configure actions: the lock TTL and the
/// fallback timeout from <see cref="LegacySessionOptions"/>, then <c>LegacySession:ApplicationName</c> and the
/// <c>LegacySession:Redis</c> section.
/// </summary>
internal sealed class RedisSessionStoreOptionsSetup(IOptions<LegacySessionOptions> legacy, IConfiguration? configuration = null)
    : IConfigureOptions<RedisSessionStoreOptions>
{
    public void Configure(RedisSessionStoreOptions options)
    {
        var session = legacy.Value;
        if (session.ExecutionTimeout > TimeSpan.Zero && session.ExecutionTimeout.TotalSeconds <= int.MaxValue)
        {
            options.ExecutionTimeout = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(session.ExecutionTimeout.TotalSeconds)));
        }

        if (session.Timeout is >= LegacySessionDefaults.MinTimeoutMinutes and <= LegacySessionDefaults.MaxTimeoutMinutes)
        {
            options.SessionTimeout = TimeSpan.FromMinutes(session.Timeout);
        }

        if (configuration is null)
        {
            return;
        }

        if (configuration[LegacySessionDefaults.ApplicationNameKey] is { Length: > 0 } applicationName)
        {
            options.ApplicationName = applicationName;
        }

        var section = configuration.GetSection(LegacySessionDefaults.RedisConfigurationSection);
        var settings = section.Get<Settings>();
        if (settings is null)
        {
            return;
        }

        options.Configuration = settings.Configuration ?? options.Configuration;
        options.ApplicationName = settings.ApplicationName ?? options.ApplicationName;
        options.KeyLayout = settings.KeyLayout ?? options.KeyLayout;
        options.ExecutionTimeout = settings.ExecutionTimeout ?? options.ExecutionTimeout;
        options.SessionTimeout = settings.SessionTimeout ?? options.SessionTimeout;
        options.OperationTimeout = settings.OperationTimeout ?? options.OperationTimeout;
        options.ReadRetries = settings.ReadRetries ?? options.ReadRetries;
        options.BreakDuration = settings.BreakDuration ?? options.BreakDuration;
        options.ProviderVersion = settings.ProviderVersion ?? options.ProviderVersion;
        if (!string.IsNullOrWhiteSpace(settings.LockTimeZone))
        {
            try
            {
                options.LockTimeZone = TimeZoneInfo.FindSystemTimeZoneById(settings.LockTimeZone);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{LegacySessionDefaults.RedisConfigurationSection}:LockTimeZone '{settings.LockTimeZone}' is not a time zone this machine knows; set the legacy servers' zone as an IANA or Windows ID, e.g. 'America/New_York'."), ex);
            }
        }
    }

    /// <summary>The configurable subset of the options, as configuration binds it (absent keys stay null).</summary>
    private sealed class Settings
    {
        public string? Configuration { get; set; }

        public string? ApplicationName { get; set; }

        public RedisKeyLayout? KeyLayout { get; set; }

        public TimeSpan? ExecutionTimeout { get; set; }

        public TimeSpan? SessionTimeout { get; set; }

        public TimeSpan? OperationTimeout { get; set; }

        public int? ReadRetries { get; set; }

        public TimeSpan? BreakDuration { get; set; }

        public string? LockTimeZone { get; set; }

        public Version? ProviderVersion { get; set; }
    }
}
