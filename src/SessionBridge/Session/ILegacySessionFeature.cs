namespace SessionBridge.Session;

/// <summary>The request feature that carries the legacy session.</summary>
internal interface ILegacySessionFeature
{
    LegacySessionState Session { get; }
}
