using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication;

/// <summary>
/// The legacy application's <c>&lt;machineKey&gt;</c>, copied attribute by attribute from its web.config
/// (configuration: <c>LegacyAuthentication:MachineKey</c>).
/// </summary>
/// <remarks>
/// Values are compared as System.Web compares them (case-sensitive). Keys must be explicit hex: an
/// <c>AutoGenerate</c> or <c>IsolateApps</c> key cannot be shared and is refused at start. Keys are never logged.
/// </remarks>
public sealed class LegacyMachineKeyOptions
{
    /// <summary><c>validationKey</c>: hex.</summary>
    public string? ValidationKey { get; set; }

    /// <summary><c>decryptionKey</c>: hex.</summary>
    public string? DecryptionKey { get; set; }

    /// <summary><c>validation</c>: SHA1, MD5, 3DES, AES, HMACSHA256 (System.Web's default when absent), HMACSHA384, HMACSHA512.</summary>
    public string? Validation { get; set; }

    /// <summary><c>decryption</c>: Auto (default), AES, 3DES, DES.</summary>
    public string? Decryption { get; set; }

    /// <summary>
    /// <c>compatibilityMode</c>: Framework20SP1, Framework20SP2, Framework45. When absent, Framework45 if
    /// <see cref="TargetFramework"/> is 4.5 or later, else Framework20SP1 — as System.Web decides.
    /// </summary>
    public string? CompatibilityMode { get; set; }

    /// <summary><c>&lt;httpRuntime targetFramework&gt;</c> of the legacy web.config (e.g. <c>4.7.2</c>).</summary>
    public string? TargetFramework { get; set; }

    /// <summary><c>&lt;appSettings&gt; aspnet:UseLegacyEncryption</c> (legacy modes: no outer MAC).</summary>
    public bool UseLegacyEncryption { get; set; }

    internal MachineKeySettings ToSettings(string? formsProtection) =>
        MachineKeySettings.Create(ValidationKey, DecryptionKey, Validation, Decryption, CompatibilityMode, TargetFramework, UseLegacyEncryption, formsProtection);
}
