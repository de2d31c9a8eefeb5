
namespace SessionBridge.StateServer.Client;

/// <summary>
/// How the legacy application's System.Web builds the application part of its state server keys
/// (../spec/state-server-protocol.md §3.3). Every web server sharing sessions must use the same scheme and values.
/// </summary>
public enum StateServerKeyScheme
{
    /// <summary>
    /// .NET Framework 4.8 (reference source): <c>appId + "(" + Base64(SHA-256(UTF-8(appId))) + ")/"</c>. Needs no key.
    /// </summary>
    Sha256 = 0,

    /// <summary>
    /// .NET Framework 2.0 to 4.7 ([MS-ASP] Appendix A note 2): <c>appId + "(" + Base64(MachineKey hash of UTF-16LE(appId)) + ")/"</c>,
    /// keyed with the legacy <c>&lt;machineKey validationKey="…" validation="…"&gt;</c>. Needs an explicit validationKey
    /// (an <c>AutoGenerate</c> key cannot be known outside the legacy machine).
    /// </summary>
    MachineKey = 1,
}
