using System.Text;
using Microsoft.Extensions.Configuration;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Configuration;

/// <summary>
/// Loads a legacy web.config through <see cref="WebConfigImporter"/>: its values become configuration, its errors an
/// exception, its warnings are kept for <see cref="Hosting.LegacyWebConfigWarningLogger"/> to log at start.
/// </summary>
internal sealed class LegacyWebConfigProvider(LegacyWebConfigSource source) : ConfigurationProvider
{
    public LegacyWebConfigSource Source { get; } = source;

    /// <summary>The warnings of the last load; empty before it.</summary>
    public IReadOnlyList<WebConfigDiagnostic> Warnings { get; private set; } = [];

    /// <summary>How many keys the last load produced.</summary>
    public int Count => Data.Count;

    public override void Load()
    {
        var result = WebConfigImporter.Import(Source.Path, new WebConfigImportOptions { Platform = Source.Platform });
        if (result.Errors.Count > 0)
        {
            var message = new StringBuilder()
                .Append("The legacy web.config '").Append(result.File).Append("' cannot be shared as it is (")
                .Append(result.Errors.Count).Append(result.Errors.Count == 1 ? " error" : " errors")
                .Append("). Fix the legacy web.config as each line says, or stop importing it (AddLegacyWebConfig, LegacySession:WebConfig):");
            foreach (var error in result.Errors)
            {
                _ = message.Append("\n  ").Append(error);
            }

            throw new WebConfigImportException(message.ToString(), result.Errors);
        }

        Data = new Dictionary<string, string?>(result.Values.ToDictionary(p => p.Key, p => (string?)p.Value), StringComparer.OrdinalIgnoreCase);
        Warnings = result.Warnings;
    }

    public override string ToString() => $"{nameof(LegacyWebConfigProvider)} for '{Source.Path}'";
}
