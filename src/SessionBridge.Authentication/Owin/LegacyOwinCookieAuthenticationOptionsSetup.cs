using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Owin;

/// <summary>Builds each scheme's protector from its options, and reports at start what to copy from the legacy app.</summary>
internal sealed class LegacyOwinCookieAuthenticationOptionsSetup : IPostConfigureOptions<LegacyOwinCookieAuthenticationOptions>, IValidateOptions<LegacyOwinCookieAuthenticationOptions>
{
    public void PostConfigure(string? name, LegacyOwinCookieAuthenticationOptions options)
    {
        try
        {
            options.Protector = string.IsNullOrWhiteSpace(options.AuthenticationType) ? null : new OwinCookieProtector(options.MachineKey.ToSettings(null), options.AuthenticationType);
            options.ConfigurationError = null;
        }
        catch (MachineKeyConfigurationException ex)
        {
            options.Protector = null;
            options.ConfigurationError = ex.Message;
        }
    }

    public ValidateOptionsResult Validate(string? name, LegacyOwinCookieAuthenticationOptions options)
    {
        var failures = new List<string>();
        if (options.ConfigurationError is { } error)
        {
            failures.Add($"LegacyAuthentication:MachineKey (scheme {name}): {error}");
        }

        if (string.IsNullOrWhiteSpace(options.AuthenticationType))
        {
            failures.Add("LegacyAuthentication:Owin:AuthenticationType must be the legacy CookieAuthenticationOptions.AuthenticationType (ASP.NET Identity: ApplicationCookie).");
        }

        if (options.ExpireTimeSpan <= TimeSpan.Zero)
        {
            failures.Add("LegacyAuthentication:Owin:ExpireTimeSpan must be positive (the legacy CookieAuthenticationOptions.ExpireTimeSpan; Katana's default is 14 days).");
        }

        if (string.IsNullOrEmpty(options.CookiePath) || options.CookiePath[0] != '/')
        {
            failures.Add($"LegacyAuthentication:Owin:CookiePath must start with '/'; it is '{options.CookiePath}'.");
        }

        if (options.ChunkSize is < 100)
        {
            failures.Add("LegacyAuthentication:Owin:ChunkSize must leave room for the value (Katana's default is 4090), or be empty to never chunk.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
