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
        LegacySessionOptions session;
        try
        {
            session = sessionOptions.Value;
        }
        catch (OptionsValidationException)
        {
            // The session options' own validator reports that failure, once; which store is selected is unknown.
            return ValidateOptionsResult.Skip;
        }

        var selected = LegacySessionStoreResolver.Select(registrations.ToList(), session.Store);
        return selected is not null && string.Equals(selected.Name, storeName, StringComparison.OrdinalIgnoreCase)
            ? inner.Validate(name, options)
            : ValidateOptionsResult.Skip;
    }
}
