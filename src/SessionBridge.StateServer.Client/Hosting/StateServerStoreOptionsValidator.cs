using Microsoft.Extensions.Options;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>
/// Checks <see cref="StateServerStoreOptions"/> at start when the state server store is the one selected
/// (<c>LegacySession:Store</c>); an application that only adds it, e.g. to switch by configuration, starts without it.
/// </summary>
internal sealed class StateServerStoreOptionsValidator(
    IEnumerable<LegacySessionStoreRegistration> registrations,
    IOptions<LegacySessionOptions> sessionOptions) : IValidateOptions<StateServerStoreOptions>
{
    private const string Section = StateServerStoreSetup.ConfigurationSection;

    public ValidateOptionsResult Validate(string? name, StateServerStoreOptions options)
    {
        var selected = LegacySessionStoreResolver.Select(registrations.ToList(), sessionOptions.Value.Store);
        if (selected is null || !string.Equals(selected.Name, StateServerStoreSetup.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApplicationId))
        {
            failures.Add($"{Section}:ApplicationId is not set; set it to the legacy application's HttpRuntime.AppDomainAppId, e.g. /LM/W3SVC/1/ROOT/MyApp (case-sensitive, the same on every server).");
        }

        if (options.PartitionConnectionStrings.Count == 0 && options.PartitionResolver is null && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Section}:ConnectionString is not set; set it to the legacy stateConnectionString, e.g. tcpip=127.0.0.1:42424.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:NetworkTimeout is {options.NetworkTimeout}; set a positive time such as 00:00:10 (the legacy stateNetworkTimeout).");
        }

        if (!Enum.IsDefined(options.KeyScheme))
        {
            failures.Add($"{Section}:KeyScheme '{options.KeyScheme}' is not Sha256 (System.Web 4.8, the default) or MachineKey (2.0-4.7).");
        }
        else if (options.KeyScheme == StateServerKeyScheme.MachineKey && string.IsNullOrWhiteSpace(options.ValidationKey))
        {
            failures.Add($"{Section}:ValidationKey is not set; the MachineKey key scheme needs the legacy <machineKey validationKey> (hex) and {Section}:Validation (e.g. SHA1).");
        }

        if (options.MaxResponseBodyBytes < 1)
        {
            failures.Add($"{Section}:MaxResponseBodyBytes is {options.MaxResponseBodyBytes}; set at least 1 (default 16 MiB).");
        }

        if (failures.Count == 0)
        {
            // The remaining checks (connection string syntax, key hashing inputs) are the store's own.
            try
            {
                using var probe = new StateServerSessionStore(options);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                failures.Add($"{Section}: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
