using Microsoft.Extensions.Options;

namespace SessionBridge.Hosting;

internal sealed class LegacySessionOptionsValidator(IEnumerable<LegacySessionConfigurationSection> sections) : IValidateOptions<LegacySessionOptions>
{
    public ValidateOptionsResult Validate(string? name, LegacySessionOptions options)
    {
        var failures = new List<string>();
        foreach (var section in sections)
        {
            failures.AddRange(section.SessionKeyFailures());
        }

        foreach (var (key, kind) in options.SessionKeys)
        {
            if (!Enum.IsDefined(kind))
            {
                failures.Add($"LegacySession:SessionKeys:{key} is '{kind}', which is not a session value kind. Set one of: {LegacySessionConfigurationSection.AllowedValueKinds}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.CookieName) || !IsToken(options.CookieName))
        {
            failures.Add($"LegacySession:CookieName '{options.CookieName}' is not a valid cookie name; use letters, digits and '_', '.', '-' (default '{LegacySessionDefaults.CookieName}').");
        }

        if (options.CookieDomain is { } domain && (domain.Length == 0 || domain.AsSpan().IndexOfAny(";, \t\r\n") >= 0))
        {
            failures.Add($"LegacySession:CookieDomain '{domain}' is not a valid cookie domain.");
        }

        if (options.Timeout is < LegacySessionDefaults.MinTimeoutMinutes or > LegacySessionDefaults.MaxTimeoutMinutes)
        {
            failures.Add($"LegacySession:Timeout is {options.Timeout}; set it to minutes between {LegacySessionDefaults.MinTimeoutMinutes} and {LegacySessionDefaults.MaxTimeoutMinutes} (System.Web's sessionState timeout, default {LegacySessionDefaults.TimeoutMinutes}).");
        }

        if (options.ExecutionTimeout <= TimeSpan.Zero)
        {
            failures.Add($"LegacySession:ExecutionTimeout is {options.ExecutionTimeout}; set a positive time such as 00:01:50 (System.Web's httpRuntime executionTimeout).");
        }

        if (!Enum.IsDefined(options.LegacyPlatform))
        {
            failures.Add($"LegacySession:LegacyPlatform '{options.LegacyPlatform}' is not SystemWeb (Microsoft's System.Web, the default) or Mono.");
        }

        if (!Enum.IsDefined(options.DefaultBehavior))
        {
            failures.Add($"LegacySession:DefaultBehavior '{options.DefaultBehavior}' is not Required, ReadOnly or Disabled.");
        }

        if (options.RequestQueueLimit < 1)
        {
            failures.Add($"LegacySession:RequestQueueLimit is {options.RequestQueueLimit}; set at least 1 (default {LegacySessionDefaults.RequestQueueLimit}).");
        }

        if (options.StoreTimeout <= TimeSpan.Zero)
        {
            failures.Add($"LegacySession:StoreTimeout is {options.StoreTimeout}; set a positive time.");
        }

        if (options.MaxLockPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"LegacySession:MaxLockPollInterval is {options.MaxLockPollInterval}; set a positive time (default 00:00:00.5).");
        }

        if (options.StoreFailureStatusCode is < 400 or > 599)
        {
            failures.Add($"LegacySession:StoreFailureStatusCode is {options.StoreFailureStatusCode}; set an error status between 400 and 599 (default 503).");
        }

        if (options.CorruptSessionStatusCode is < 400 or > 599)
        {
            failures.Add($"LegacySession:CorruptSessionStatusCode is {options.CorruptSessionStatusCode}; set an error status between 400 and 599 (default 500).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
