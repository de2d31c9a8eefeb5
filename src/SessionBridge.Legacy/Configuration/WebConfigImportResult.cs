namespace SessionBridge.Legacy.Configuration;

/// <summary>What <see cref="WebConfigImporter"/> read from a legacy web.config.</summary>
public sealed class WebConfigImportResult
{
    internal WebConfigImportResult(string file, IReadOnlyDictionary<string, string> values, IReadOnlyList<WebConfigDiagnostic> warnings, IReadOnlyList<WebConfigDiagnostic> errors)
    {
        File = file;
        Values = values;
        Warnings = warnings;
        Errors = errors;
    }

    /// <summary>The web.config that was read (full path).</summary>
    public string File { get; }

    /// <summary>
    /// The SessionBridge configuration keys and values equivalent to the web.config, e.g.
    /// <c>LegacySession:CookieName</c> = <c>ASP.NET_SessionId</c>; keys compare case-insensitively and are sorted.
    /// </summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>Settings that were not imported, or were imported but need a decision or a change on one side.</summary>
    public IReadOnlyList<WebConfigDiagnostic> Warnings { get; }

    /// <summary>Settings that make sharing impossible as configured (e.g. <c>mode="InProc"</c>); each says what to change.</summary>
    public IReadOnlyList<WebConfigDiagnostic> Errors { get; }
}
