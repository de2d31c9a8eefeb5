using Microsoft.Extensions.Options;

namespace SessionBridge.Hosting;

internal sealed class LegacySessionStoreValidator(IEnumerable<LegacySessionStoreRegistration> registrations) : IValidateOptions<LegacySessionOptions>
{
    public ValidateOptionsResult Validate(string? name, LegacySessionOptions options)
    {
        var list = registrations.ToList();
        return LegacySessionStoreResolver.Select(list, options.Store) is null
            ? ValidateOptionsResult.Fail(LegacySessionStoreResolver.UnknownStoreMessage(list, options.Store))
            : ValidateOptionsResult.Success;
    }
}
