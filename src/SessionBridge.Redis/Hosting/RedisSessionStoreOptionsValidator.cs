using Microsoft.Extensions.Options;
using SessionBridge.Redis;

namespace SessionBridge.Hosting;

/// <summary>
/// Validates the Redis store's options at start (only when the Redis store is the selected one: see
/// <see cref="SelectedStoreValidator{TOptions}"/>), with messages that name the configuration keys to set.
/// </summary>
internal sealed class RedisSessionStoreOptionsValidator : IValidateOptions<RedisSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisSessionStoreOptions options) =>
        RedisSessionStoreOptionsValidation.Validate(options) is [_, ..] failures
            ? ValidateOptionsResult.Fail(failures)
            : ValidateOptionsResult.Success;
}
