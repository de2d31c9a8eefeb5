namespace SessionBridge.Diagnostics;

/// <summary>Session IDs are secrets: logs carry their first four characters only.</summary>
internal static class SessionIdForLog
{
    public static string Shorten(string? sessionId) =>
        sessionId is null ? "(none)" : sessionId.Length <= 4 ? "…" : string.Concat(sessionId.AsSpan(0, 4), "…");
}
