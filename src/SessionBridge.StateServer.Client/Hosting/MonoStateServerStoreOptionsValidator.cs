using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Configuration;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>
/// Checks <see cref="MonoStateServerStoreOptions"/> at start when the Mono state server store is the one selected
/// (<c>LegacySession:Store</c>).
/// </summary>
internal sealed class MonoStateServerStoreOptionsValidator(
    IEnumerable<LegacySessionStoreRegistration> registrations,
    IOptions<LegacySessionOptions> sessionOptions) : IValidateOptions<MonoStateServerStoreOptions>
{
    private const string Section = MonoStateServerStoreSetup.ConfigurationSection;

    public ValidateOptionsResult Validate(string? name, MonoStateServerStoreOptions options)
    {
        var selected = LegacySessionStoreResolver.Select(registrations.ToList(), sessionOptions.Value.Store);
        if (selected is null || !string.Equals(selected.Name, MonoStateServerStoreSetup.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString is not set; set it to the Mono application's stateConnectionString, e.g. tcpip=127.0.0.1:42424.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:NetworkTimeout is {options.NetworkTimeout}; set a positive time such as 00:00:10 (the legacy stateNetworkTimeout).");
        }

        if (sessionOptions.Value.LegacyPlatform != LegacyPlatform.Mono)
        {
            failures.Add($"{Section} keys sessions by Mono's ids; set LegacySession:LegacyPlatform to Mono so the session cookie carries them.");
        }

        if (failures.Count == 0)
        {
            try
            {
                using var probe = new MonoStateServerSessionStore(options);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
