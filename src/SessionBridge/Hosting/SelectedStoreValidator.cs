using Microsoft.Extensions.Options;

namespace SessionBridge.Hosting;

/// <summary>
/// Runs a store's validator only when that store is the one <c>LegacySession:Store</c> selects (or the one added last),
/// so an application that adds several stores to switch by configuration starts with only the selected one set up.
/// </summary>
internal sealed class SelectedStoreValidator<TOptions>(
    string storeName,
    IValidateOptions<TOptions> inner,
    IEnumerable<LegacySessionStoreRegistration> registrations,
    IOptions<LegacySessionOptions> sessionOptions) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var selected = LegacySessionStoreResolver.Select(registrations.ToList(), sessionOptions.Value.Store);
        return selected is not null && string.Equals(selected.Name, storeName, StringComparison.OrdinalIgnoreCase)
            ? inner.Validate(name, options)
            : ValidateOptionsResult.Skip;
    }
}
