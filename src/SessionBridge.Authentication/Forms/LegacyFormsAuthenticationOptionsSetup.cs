using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Forms;

/// <summary>Builds each scheme's protector from its options, and reports at start what to copy from web.config.</summary>
internal sealed class LegacyFormsAuthenticationOptionsSetup : IPostConfigureOptions<LegacyFormsAuthenticationOptions>, IValidateOptions<LegacyFormsAuthenticationOptions>
{
    public void PostConfigure(string? name, LegacyFormsAuthenticationOptions options)
    {
        try
        {
            options.Protector = new FormsCookieProtector(options.MachineKey.ToSettings(options.Protection));
            options.ConfigurationError = null;
        }
        catch (MachineKeyConfigurationException ex)
        {
            options.Protector = null;
            options.ConfigurationError = ex.Message;
        }
    }

    public ValidateOptionsResult Validate(string? name, LegacyFormsAuthenticationOptions options)
    {
        var failures = new List<string>();
        if (options.ConfigurationError is { } error)
        {
            failures.Add($"LegacyAuthentication:MachineKey (scheme {name}): {error}");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add("LegacyAuthentication:Forms:Name must be the legacy <forms name> (default .ASPXAUTH).");
        }

        if (options.Timeout is < 1 or > 525_600)
        {
            failures.Add($"LegacyAuthentication:Forms:Timeout is the legacy <forms timeout> in minutes (1 to 525600); it is {options.Timeout}.");
        }

        if (string.IsNullOrEmpty(options.Path) || options.Path[0] != '/')
        {
            failures.Add($"LegacyAuthentication:Forms:Path must be the legacy <forms path> and start with '/'; it is '{options.Path}'.");
        }

        if (string.IsNullOrWhiteSpace(options.LoginUrl))
        {
            failures.Add("LegacyAuthentication:Forms:LoginUrl must be the legacy <forms loginUrl> (default login.aspx).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
