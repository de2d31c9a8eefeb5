using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Configuration;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>
/// Checks <see cref="MonoStateServerStoreOptions"/> at start (only when the Mono state server store is the selected
/// one: see <see cref="SelectedStoreValidator{TOptions}"/>), and that the session cookie carries Mono's ids.
/// </summary>
internal sealed class MonoStateServerStoreOptionsValidator(IOptions<LegacySessionOptions> sessionOptions) : IValidateOptions<MonoStateServerStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MonoStateServerStoreOptions options)
    {
        var failures = StateServerStoreOptionsValidation.Validate(options);
        if (sessionOptions.Value.LegacyPlatform != LegacyPlatform.Mono)
        {
            failures.Add($"{MonoStateServerStoreSetup.ConfigurationSection} keys sessions by Mono's ids; set LegacySession:LegacyPlatform to Mono so the session cookie carries them.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
