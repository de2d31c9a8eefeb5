using SessionBridge.Hosting;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// The one set of rules for <see cref="StateServerStoreOptions"/> and <see cref="MonoStateServerStoreOptions"/>, used by
/// the start-up validation and by the stores' constructors; each message names the configuration key to set.
/// </summary>
internal static class StateServerStoreOptionsValidation
{
    /// <summary>Polly's circuit breaker accepts sampling and break durations from 0.5 seconds to one day.</summary>
    private static readonly TimeSpan MinBreakerDuration = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan MaxBreakerDuration = TimeSpan.FromDays(1);

    /// <summary>Checks the [MS-ASP] client store's options.</summary>
    public static List<string> Validate(StateServerStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = StateServerStoreSetup.ConfigurationSection;
        var failures = new List<string>();
        var hasId = !string.IsNullOrWhiteSpace(options.ApplicationId);
        if (!hasId)
        {
            failures.Add($"{Section}:ApplicationId is not set; set it to the legacy application's HttpRuntime.AppDomainAppId, e.g. /LM/W3SVC/1/ROOT/MyApp (case-sensitive, the same on every server).");
        }

        // A partition resolver picks the connection strings at run time; each is checked when it is first used.
        if (options.PartitionResolver is null)
        {
            if (options.PartitionConnectionStrings.Count > 0)
            {
                foreach (var connectionString in options.PartitionConnectionStrings)
                {
                    Endpoint(failures, Section + ":PartitionConnectionStrings", connectionString);
                }
            }
            else if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{Section}:ConnectionString is not set; set it to the legacy stateConnectionString, e.g. tcpip=127.0.0.1:42424.");
            }
            else
            {
                Endpoint(failures, Section + ":ConnectionString", options.ConnectionString);
            }
        }

        if (!Enum.IsDefined(options.KeyScheme))
        {
            failures.Add($"{Section}:KeyScheme '{options.KeyScheme}' is not Sha256 (System.Web 4.8, the default) or MachineKey (2.0-4.7).");
        }
        else if (options.KeyScheme == StateServerKeyScheme.MachineKey && string.IsNullOrWhiteSpace(options.ValidationKey))
        {
            failures.Add($"{Section}:ValidationKey is not set; the MachineKey key scheme needs the legacy <machineKey validationKey> (hex) and {Section}:Validation (e.g. SHA1).");
        }
        else if (hasId)
        {
            try
            {
                _ = StateServerKeys.CreateUriBase(options.ApplicationId, options.KeyScheme, options.ValidationKey, options.Validation);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}:ValidationKey or {Section}:Validation: {ex.Message}");
            }
        }

        Positive(failures, Section + ":NetworkTimeout", options.NetworkTimeout, "00:00:10 (the legacy stateNetworkTimeout)");
        Positive(failures, Section + ":IdleConnectionTimeout", options.IdleConnectionTimeout, "00:00:05");
        if (options.MaxResponseBodyBytes < 1)
        {
            failures.Add($"{Section}:MaxResponseBodyBytes is {options.MaxResponseBodyBytes}; set at least 1 (default 16 MiB).");
        }

        Breaker(failures, Section, options.BreakerFailureRatio, options.BreakerMinimumThroughput, options.BreakerSamplingDuration, options.BreakDuration);
        return failures;
    }

    /// <summary>Checks the Mono state server client store's options.</summary>
    public static List<string> Validate(MonoStateServerStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = MonoStateServerStoreSetup.ConfigurationSection;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString is not set; set it to the Mono application's stateConnectionString, e.g. tcpip=127.0.0.1:42424.");
        }
        else
        {
            Endpoint(failures, Section + ":ConnectionString", options.ConnectionString);
        }

        Positive(failures, Section + ":NetworkTimeout", options.NetworkTimeout, "00:00:10 (the legacy stateNetworkTimeout)");
        Positive(failures, Section + ":IdleConnectionTimeout", options.IdleConnectionTimeout, "00:00:30");
        if (options.MaxMessageBytes < 1024)
        {
            failures.Add($"{Section}:MaxMessageBytes is {options.MaxMessageBytes}; set at least 1024 (default 16 MiB).");
        }

        Breaker(failures, Section, options.BreakerFailureRatio, options.BreakerMinimumThroughput, options.BreakerSamplingDuration, options.BreakDuration);
        return failures;
    }

    private static void Endpoint(List<string> failures, string key, string connectionString)
    {
        try
        {
            _ = StateServerEndpoint.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{key}: {ex.Message}");
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} is {value}; set a positive time such as {example}.");
        }
    }

    private static void Breaker(List<string> failures, string section, double failureRatio, int minimumThroughput, TimeSpan samplingDuration, TimeSpan breakDuration)
    {
        if (!(failureRatio is >= 0 and <= 1))
        {
            failures.Add($"{section}:BreakerFailureRatio is {failureRatio}; set a ratio from 0 to 1, e.g. 0.5 (the default).");
        }

        if (minimumThroughput < 2)
        {
            failures.Add($"{section}:BreakerMinimumThroughput is {minimumThroughput}; set at least 2 (default 10).");
        }

        if (samplingDuration < MinBreakerDuration || samplingDuration > MaxBreakerDuration)
        {
            failures.Add($"{section}:BreakerSamplingDuration is {samplingDuration}; set 00:00:00.5 to 1.00:00:00 (default 00:00:30).");
        }

        if (breakDuration < MinBreakerDuration || breakDuration > MaxBreakerDuration)
        {
            failures.Add($"{section}:BreakDuration is {breakDuration}; set 00:00:00.5 to 1.00:00:00 (default 00:00:05).");
        }
    }
}
