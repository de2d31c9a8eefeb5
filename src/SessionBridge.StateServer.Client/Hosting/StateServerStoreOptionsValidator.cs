using Microsoft.Extensions.Options;
using SessionBridge.StateServer.Client;

namespace SessionBridge.Hosting;

/// <summary>
/// Checks <see cref="StateServerStoreOptions"/> at start (only when the state server store is the selected one: see
/// <see cref="SelectedStoreValidator{TOptions}"/>); an application that only adds it, e.g. to switch by configuration,
/// starts without it.
/// </summary>
internal sealed class StateServerStoreOptionsValidator : IValidateOptions<StateServerStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StateServerStoreOptions options) =>
        StateServerStoreOptionsValidation.Validate(options) is [_, ..] failures
            ? ValidateOptionsResult.Fail(failures)
            : ValidateOptionsResult.Success;
}
