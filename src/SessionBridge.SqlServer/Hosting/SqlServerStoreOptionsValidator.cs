using Microsoft.Extensions.Options;
using SessionBridge.Hosting;

namespace SessionBridge.SqlServer.Hosting;

/// <summary>
/// Checks <see cref="SqlServerStoreOptions"/> at start (only when the SQL Server store is the selected one: see
/// <see cref="SelectedStoreValidator{TOptions}"/>); an application that only adds it, e.g. to switch by configuration,
/// starts without it.
/// </summary>
internal sealed class SqlServerStoreOptionsValidator : IValidateOptions<SqlServerStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlServerStoreOptions options) =>
        SqlServerStoreOptionsValidation.Validate(options) is [_, ..] failures
            ? ValidateOptionsResult.Fail(failures)
            : ValidateOptionsResult.Success;
}
