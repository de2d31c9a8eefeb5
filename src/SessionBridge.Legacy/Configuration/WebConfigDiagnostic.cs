using System.Globalization;

namespace SessionBridge.Legacy.Configuration;

/// <summary>A warning or error about one web.config setting: where it is and what to do about it.</summary>
/// <param name="File">The file the setting is in (the web.config, or a file its <c>configSource</c> names).</param>
/// <param name="Line">The 1-based line of the element or attribute, or 0 when the setting is absent.</param>
/// <param name="Setting">The setting, as an XPath-like path, e.g. <c>system.web/sessionState/@mode</c>.</param>
/// <param name="Message">What it means for sharing sessions and logins, and what to change. Never contains key material.</param>
public sealed record WebConfigDiagnostic(string File, int Line, string Setting, string Message)
{
    /// <summary>The diagnostic as one line: <c>file(line): setting: message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => Line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{File}({Line}): {Setting}: {Message}")
        : $"{File}: {Setting}: {Message}";
}
