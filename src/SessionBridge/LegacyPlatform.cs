namespace SessionBridge;

/// <summary>
/// Which System.Web the legacy application runs on (<see cref="LegacySessionOptions.LegacyPlatform"/>): it selects the
/// session IDs SessionBridge accepts and mints and the session format its stores read and write.
/// </summary>
public enum LegacyPlatform
{
    /// <summary>
    /// Microsoft's System.Web on .NET Framework: IDs of 24 characters <c>a-z0-5</c> (lower-cased when presented), and
    /// Microsoft's session format.
    /// </summary>
    SystemWeb = 0,

    /// <summary>
    /// Mono's System.Web: IDs of 24 upper-case hexadecimal characters kept exactly as presented, and Mono's session
    /// format (<see cref="Legacy.Format.LegacySessionDialect.Mono"/>) in every store that holds the legacy format.
    /// </summary>
    Mono = 1,
}
