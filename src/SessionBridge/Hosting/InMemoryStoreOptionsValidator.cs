using Microsoft.Extensions.Options;
using SessionBridge.Legacy.Stores.InMemory;

namespace SessionBridge.Hosting;

/// <summary>Checks <see cref="InMemorySessionStoreOptions"/> at start when the in-memory store is the selected one.</summary>
internal sealed class InMemoryStoreOptionsValidator : IValidateOptions<InMemorySessionStoreOptions>
{
    private const string Section = LegacySessionDefaults.ConfigurationSection + ":" + LegacySessionDefaults.InMemoryStoreName;

    public ValidateOptionsResult Validate(string? name, InMemorySessionStoreOptions options)
    {
        var failures = new List<string>();
        if (options.LockTimeout is { } lockTimeout && lockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:LockTimeout is {lockTimeout}; set a positive time, or leave it unset to use LegacySession:ExecutionTimeout.");
        }

        if (options.MaxSessions is <= 0)
        {
            failures.Add($"{Section}:MaxSessions is {options.MaxSessions}; set a positive number, or leave it unset for no limit beyond expiry.");
        }

        if (options.SweepInterval < TimeSpan.Zero)
        {
            failures.Add($"{Section}:SweepInterval is {options.SweepInterval}; set a positive time such as 00:01:00, or 00:00:00 to sweep only when sessions are touched.");
        }

        if (options.Dialect is { } dialect && !Enum.IsDefined(dialect))
        {
            failures.Add($"{Section}:Dialect '{dialect}' is not Microsoft or Mono; leave it unset to follow LegacySession:LegacyPlatform.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
