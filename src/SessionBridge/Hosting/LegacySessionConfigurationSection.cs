using Microsoft.Extensions.Configuration;

namespace SessionBridge.Hosting;

/// <summary>
/// The section <c>AddLegacySession(IConfiguration)</c> binds, kept so that start-up validation can see what the binder
/// silently drops (a <c>SessionKeys</c> value that is no <see cref="LegacySessionValueKind"/>, such as <c>Strin</c>).
/// </summary>
internal sealed class LegacySessionConfigurationSection(IConfiguration configuration)
{
    public IConfiguration Configuration { get; } = configuration;

    /// <summary>The failures of the section's <c>SessionKeys</c> values, each naming the key and the allowed values.</summary>
    public IEnumerable<string> SessionKeyFailures()
    {
        var section = Configuration.GetSection(nameof(LegacySessionOptions.SessionKeys));
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not { } value)
            {
                continue;
            }

            if (!IsValueKindName(value))
            {
                yield return $"{child.Path} is '{value}', which is not a session value kind. Set one of: {AllowedValueKinds}.";
            }
        }
    }

    /// <summary>The names <see cref="LegacySessionValueKind"/> allows, for messages.</summary>
    public static string AllowedValueKinds => string.Join(", ", Enum.GetNames<LegacySessionValueKind>());

    private static bool IsValueKindName(string value) =>
        Enum.GetNames<LegacySessionValueKind>().Any(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
}
