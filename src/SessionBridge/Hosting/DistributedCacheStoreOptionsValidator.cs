using Microsoft.Extensions.Options;
using SessionBridge.DistributedCache;

namespace SessionBridge.Hosting;

/// <summary>Checks <see cref="DistributedCacheSessionStoreOptions"/> at start when the distributed-cache store is the selected one.</summary>
internal sealed class DistributedCacheStoreOptionsValidator : IValidateOptions<DistributedCacheSessionStoreOptions>
{
    private const string Section = LegacySessionDefaults.ConfigurationSection + ":" + LegacySessionDefaults.DistributedCacheStoreName;

    public ValidateOptionsResult Validate(string? name, DistributedCacheSessionStoreOptions options)
    {
        var failures = new List<string>();
        if (options.LockTimeout is { } lockTimeout && lockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:LockTimeout is {lockTimeout}; set a positive time, or leave it unset to use LegacySession:ExecutionTimeout.");
        }

        if (options.KeyPrefix is null)
        {
            failures.Add($"{Section}:KeyPrefix is null; set a prefix such as 'SessionBridge:' (an empty one is allowed).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
