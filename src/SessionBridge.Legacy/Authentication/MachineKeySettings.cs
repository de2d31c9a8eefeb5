using System.Globalization;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// A legacy application's <c>&lt;machineKey&gt;</c> (plus the settings that change the cookie bytes), parsed and
/// checked the way System.Web resolves it (../spec/legacy-auth-cookies.md §1).
/// </summary>
/// <remarks>Keys are never part of a message or a <see cref="ToString"/>.</remarks>
internal sealed class MachineKeySettings
{
    private MachineKeySettings(byte[] validationKey, byte[] decryptionKey, MachineKeyValidation validation, MachineKeyDecryption decryption,
        MachineKeyCompatibilityMode mode, bool useLegacyEncryption, FormsProtection formsProtection)
    {
        ValidationKey = validationKey;
        DecryptionKey = decryptionKey;
        Validation = validation;
        Decryption = decryption;
        CompatibilityMode = mode;
        UseLegacyEncryption = useLegacyEncryption;
        FormsProtection = formsProtection;
    }

    public byte[] ValidationKey { get; }

    public byte[] DecryptionKey { get; }

    public MachineKeyValidation Validation { get; }

    public MachineKeyDecryption Decryption { get; }

    public MachineKeyCompatibilityMode CompatibilityMode { get; }

    /// <summary><c>&lt;appSettings&gt; aspnet:UseLegacyEncryption</c> (legacy modes only).</summary>
    public bool UseLegacyEncryption { get; }

    /// <summary><c>&lt;forms protection&gt;</c> (legacy modes only).</summary>
    public FormsProtection FormsProtection { get; }

    public bool IsFramework45 => CompatibilityMode == MachineKeyCompatibilityMode.Framework45;

    public override string ToString() =>
        $"compatibilityMode={CompatibilityMode}, validation={ValidationName(Validation)}, decryption={DecryptionName(Decryption)}, " +
        $"validationKey={ValidationKey.Length} bytes, decryptionKey={DecryptionKey.Length} bytes";

    /// <summary>Parses web.config attribute values; <see langword="null"/> or empty means the attribute is absent.</summary>
    /// <param name="validationKey"><c>validationKey</c>: explicit hex.</param>
    /// <param name="decryptionKey"><c>decryptionKey</c>: explicit hex.</param>
    /// <param name="validation"><c>validation</c> (default <c>HMACSHA256</c>).</param>
    /// <param name="decryption"><c>decryption</c> (default <c>Auto</c>).</param>
    /// <param name="compatibilityMode"><c>compatibilityMode</c>; absent: Framework45 when <paramref name="targetFramework"/> is 4.5 or later, else Framework20SP1.</param>
    /// <param name="targetFramework"><c>&lt;httpRuntime targetFramework&gt;</c>.</param>
    /// <param name="useLegacyEncryption"><c>aspnet:UseLegacyEncryption</c>.</param>
    /// <param name="formsProtection"><c>&lt;forms protection&gt;</c> (default <c>All</c>).</param>
    /// <exception cref="MachineKeyConfigurationException">A value System.Web would refuse, or one no other machine can reproduce.</exception>
    public static MachineKeySettings Create(string? validationKey, string? decryptionKey, string? validation = null, string? decryption = null,
        string? compatibilityMode = null, string? targetFramework = null, bool useLegacyEncryption = false, string? formsProtection = null)
    {
        var mode = ParseMode(compatibilityMode, targetFramework);
        var validationAlgorithm = ParseValidation(validation);
        var decryptionAlgorithm = ParseDecryption(decryption);
        var protection = ParseProtection(formsProtection);
        var vKey = ParseKey(validationKey, "validationKey");
        var dKey = ParseKey(decryptionKey, "decryptionKey");

        if (mode == MachineKeyCompatibilityMode.Framework45)
        {
            if (validationAlgorithm is MachineKeyValidation.MD5 or MachineKeyValidation.TripleDES or MachineKeyValidation.AES)
            {
                throw new MachineKeyConfigurationException(
                    $"<machineKey validation=\"{ValidationName(validationAlgorithm)}\"> is refused by System.Web in compatibilityMode Framework45 " +
                    "(it accepts SHA1, HMACSHA256, HMACSHA384 or HMACSHA512): the legacy application cannot be running with it; copy the real value from its web.config.");
            }

            CheckCipherKey(EffectiveFramework45Cipher(decryptionAlgorithm), dKey, mode);
        }
        else
        {
            if (vKey.Length < 20)
            {
                throw new MachineKeyConfigurationException(
                    $"<machineKey validationKey> must be at least 40 hex characters in compatibilityMode {mode} (System.Web refuses shorter keys); it has {vKey.Length * 2}.");
            }

            var pad = LegacyPadSize(validationAlgorithm);
            if (validationAlgorithm != MachineKeyValidation.MD5 && vKey.Length > pad)
            {
                throw new MachineKeyConfigurationException(
                    $"A validationKey of {vKey.Length} bytes is longer than the {pad}-byte HMAC block of validation=\"{ValidationName(validationAlgorithm)}\": " +
                    $"System.Web in compatibilityMode {mode} fails every forms ticket operation with such a key (MachineKeySection.SetInnerOuterKeys), so " +
                    $"no legacy application can be issuing cookies with it. Use a key of at most {pad * 2} hex characters in both applications.");
            }

            CheckCipherKey(EffectiveLegacyCipher(decryptionAlgorithm, dKey), dKey, mode);
        }

        return new MachineKeySettings(vKey, dKey, validationAlgorithm, decryptionAlgorithm, mode, useLegacyEncryption, protection);
    }

    /// <summary>The cipher Framework45 (and <c>MachineKey.Protect</c> in every mode) uses: AES for <c>Auto</c>.</summary>
    public static MachineKeyDecryption EffectiveFramework45Cipher(MachineKeyDecryption decryption) =>
        decryption == MachineKeyDecryption.Auto ? MachineKeyDecryption.AES : decryption;

    /// <summary>The cipher the legacy modes use: for <c>Auto</c>, DES when the key is exactly 8 bytes, AES otherwise.</summary>
    public static MachineKeyDecryption EffectiveLegacyCipher(MachineKeyDecryption decryption, byte[] key) =>
        decryption != MachineKeyDecryption.Auto ? decryption : key.Length == 8 ? MachineKeyDecryption.DES : MachineKeyDecryption.AES;

    public static int LegacyPadSize(MachineKeyValidation validation) =>
        validation is MachineKeyValidation.HMACSHA384 or MachineKeyValidation.HMACSHA512 ? 128 : 64;

    public static string ValidationName(MachineKeyValidation validation) => validation switch
    {
        MachineKeyValidation.TripleDES => "3DES",
        _ => validation.ToString(),
    };

    public static string DecryptionName(MachineKeyDecryption decryption) => decryption switch
    {
        MachineKeyDecryption.TripleDES => "3DES",
        _ => decryption.ToString(),
    };

    private static void CheckCipherKey(MachineKeyDecryption cipher, byte[] key, MachineKeyCompatibilityMode mode)
    {
        var ok = cipher switch
        {
            MachineKeyDecryption.AES => key.Length is 16 or 24 or 32,
            MachineKeyDecryption.TripleDES => key.Length is 16 or 24,
            MachineKeyDecryption.DES => mode == MachineKeyCompatibilityMode.Framework45 ? key.Length == 8 : key.Length >= 8,
            _ => false,
        };
        if (!ok)
        {
            var sizes = cipher switch
            {
                MachineKeyDecryption.AES => "32, 48 or 64 hex characters",
                MachineKeyDecryption.TripleDES => "32 or 48 hex characters",
                _ => "16 hex characters",
            };
            throw new MachineKeyConfigurationException(
                $"A decryptionKey of {key.Length * 2} hex characters does not fit the cipher {DecryptionName(cipher)} that compatibilityMode {mode} uses " +
                $"(it needs {sizes}); System.Web fails every cookie with it. Copy <machineKey decryptionKey> and decryption from the legacy web.config.");
        }
    }

    private static MachineKeyCompatibilityMode ParseMode(string? value, string? targetFramework)
    {
        if (string.IsNullOrEmpty(value))
        {
            return TargetsFramework45(targetFramework) ? MachineKeyCompatibilityMode.Framework45 : MachineKeyCompatibilityMode.Framework20SP1;
        }

        return value switch
        {
            "Framework20SP1" => MachineKeyCompatibilityMode.Framework20SP1,
            "Framework20SP2" => MachineKeyCompatibilityMode.Framework20SP2,
            "Framework45" => MachineKeyCompatibilityMode.Framework45,
            _ => throw new MachineKeyConfigurationException(
                $"<machineKey compatibilityMode=\"{value}\"> is not a value System.Web accepts: use Framework20SP1, Framework20SP2 or Framework45 (case-sensitive), " +
                "or leave it empty to follow <httpRuntime targetFramework>."),
        };
    }

    /// <summary>Whether <c>&lt;httpRuntime targetFramework&gt;</c> names 4.5 or later (then Framework45 is the default mode).</summary>
    public static bool TargetsFramework45(string? targetFramework)
    {
        if (string.IsNullOrWhiteSpace(targetFramework))
        {
            return false;
        }

        var text = targetFramework.Trim();
        // Also accept the ".NETFramework,Version=v4.5" form.
        var at = text.IndexOf("Version=", StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            text = text[(at + "Version=".Length)..];
        }

        text = text.TrimStart('v', 'V');
        return Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version)
            ? version >= new Version(4, 5)
            : throw new MachineKeyConfigurationException(
                $"<httpRuntime targetFramework=\"{targetFramework}\"> is not a version: copy the attribute as the legacy web.config has it (e.g. 4.5, 4.7.2, 4.8).");
    }

    private static MachineKeyValidation ParseValidation(string? value) => value switch
    {
        null or "" or "HMACSHA256" => MachineKeyValidation.HMACSHA256,
        "SHA1" => MachineKeyValidation.SHA1,
        "MD5" => MachineKeyValidation.MD5,
        "3DES" => MachineKeyValidation.TripleDES,
        "AES" => MachineKeyValidation.AES,
        "HMACSHA384" => MachineKeyValidation.HMACSHA384,
        "HMACSHA512" => MachineKeyValidation.HMACSHA512,
        _ when value.StartsWith("alg:", StringComparison.Ordinal) => throw new MachineKeyConfigurationException(
            $"<machineKey validation=\"{value}\"> names a custom algorithm, which SessionBridge cannot reproduce; use SHA1, HMACSHA256, HMACSHA384 or HMACSHA512 in both applications."),
        _ => throw new MachineKeyConfigurationException(
            $"<machineKey validation=\"{value}\"> is not a value System.Web accepts (SHA1, MD5, 3DES, AES, HMACSHA256, HMACSHA384, HMACSHA512; case-sensitive)."),
    };

    private static MachineKeyDecryption ParseDecryption(string? value) => value switch
    {
        null or "" or "Auto" => MachineKeyDecryption.Auto,
        "AES" => MachineKeyDecryption.AES,
        "3DES" => MachineKeyDecryption.TripleDES,
        "DES" => MachineKeyDecryption.DES,
        _ when value.StartsWith("alg:", StringComparison.Ordinal) => throw new MachineKeyConfigurationException(
            $"<machineKey decryption=\"{value}\"> names a custom algorithm, which SessionBridge cannot reproduce; use Auto, AES, 3DES or DES in both applications."),
        _ => throw new MachineKeyConfigurationException(
            $"<machineKey decryption=\"{value}\"> is not a value System.Web accepts (Auto, AES, 3DES, DES; case-sensitive)."),
    };

    private static FormsProtection ParseProtection(string? value) => value switch
    {
        null or "" or "All" => FormsProtection.All,
        "Encryption" => FormsProtection.Encryption,
        "Validation" => FormsProtection.Validation,
        "None" => FormsProtection.None,
        _ => throw new MachineKeyConfigurationException($"<forms protection=\"{value}\"> is not a value System.Web accepts (All, Encryption, Validation, None)."),
    };

    private static byte[] ParseKey(string? value, string attribute)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new MachineKeyConfigurationException(
                $"<machineKey {attribute}> is missing: copy the explicit hex {attribute} from the legacy application's web.config (both applications need the same keys).");
        }

        if (value.Contains("AutoGenerate", StringComparison.Ordinal) || value.Contains("IsolateApps", StringComparison.Ordinal) || value.Contains("IsolateByAppId", StringComparison.Ordinal))
        {
            throw new MachineKeyConfigurationException(
                $"<machineKey {attribute}=\"{(value.Contains("AutoGenerate", StringComparison.Ordinal) ? "AutoGenerate…" : "…,IsolateApps")}\"> cannot be shared: auto-generated keys live in " +
                "the legacy machine's secret store and IsolateApps changes the key per application path. Generate explicit hex keys, put them in the legacy web.config " +
                $"(<machineKey validationKey=\"…\" decryptionKey=\"…\" validation=\"HMACSHA256\" decryption=\"AES\"/>, no ',IsolateApps') and configure the same {attribute} here. " +
                "Users signed in with the old keys sign in again once.");
        }

        var text = value.Trim();
        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            throw new MachineKeyConfigurationException(
                $"<machineKey {attribute}> must be an even number of hex digits (0-9, A-F); the configured value has {text.Length} characters{(text.All(char.IsAsciiHexDigit) ? "" : " and non-hex characters")}.");
        }

        return Convert.FromHexString(text);
    }

    /// <summary>Parses a boolean <c>&lt;appSettings&gt;</c> value the way System.Web does (<c>bool.TryParse</c>, false otherwise).</summary>
    public static bool ParseAppSettingBoolean(string? value) =>
        bool.TryParse(value?.Trim(), out var result) && result;

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
