using Microsoft.Extensions.Options;
using SessionBridge.Hosting;

namespace SessionBridge.SqlServer.Hosting;

/// <summary>
/// Checks <see cref="SqlServerStoreOptions"/> at start when the SQL Server store is the one selected
/// (<c>LegacySession:Store</c>); an application that only adds it, e.g. to switch by configuration, starts without it.
/// </summary>
internal sealed class SqlServerStoreOptionsValidator(
    IEnumerable<LegacySessionStoreRegistration> registrations,
    IOptions<LegacySessionOptions> sessionOptions) : IValidateOptions<SqlServerStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlServerStoreOptions options)
    {
        var selected = LegacySessionStoreResolver.Select(registrations.ToList(), sessionOptions.Value.Store);
        if (selected is null || !string.Equals(selected.Name, SqlServerStoreDefaults.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = SqlServerStoreOptionsValidation.Validate(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
