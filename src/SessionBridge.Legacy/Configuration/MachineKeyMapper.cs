using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;machineKey&gt;</c>: the keys and algorithms the legacy application protects its forms tickets (and OWIN
/// cookies) with, and the compatibility mode, whose default follows <c>&lt;httpRuntime targetFramework&gt;</c>.
/// Auto-generated keys cannot be shared; nothing here ever puts key material in a message.
/// </summary>
/// <remarks>Source: ../spec/legacy-auth-cookies.md §1.1–1.3. Values are case-sensitive, as System.Web compares them.</remarks>
internal static class MachineKeyMapper
{
    private const string Setting = "system.web/machineKey";
    private const string DefaultKey = "AutoGenerate,IsolateApps";

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "validationKey", "decryptionKey", "validation", "decryption", "compatibilityMode", "dataProtectorType", "applicationName",
    };

    private static readonly string[] s_validations = ["SHA1", "MD5", "3DES", "AES", "HMACSHA256", "HMACSHA384", "HMACSHA512"];
    private static readonly string[] s_decryptions = ["Auto", "AES", "3DES", "DES"];
    private static readonly string[] s_modes = ["Framework20SP1", "Framework20SP2", "Framework45"];

    /// <summary>Maps the section when it exists or forms authentication is on; returns the compatibility mode in force.</summary>
    public static string Map(WebConfigDocument document, Version targetFramework, bool formsAuthentication, WebConfigMapping mapping)
    {
        var section = document.Section(Setting);
        var defaultMode = targetFramework >= new Version(4, 5) ? "Framework45" : "Framework20SP1";
        if (section is null && !formsAuthentication)
        {
            return defaultMode;
        }

        if (section is null)
        {
            mapping.Warning(null, Setting,
                "the web.config has no <machineKey>, so unless the servers' machine.config or root web.config set one, the legacy application protects its forms tickets with keys auto-generated on each server (AutoGenerate,IsolateApps), which no other server can use. " +
                "Generate explicit hex keys, put them in <machineKey validationKey=\"…\" decryptionKey=\"…\" validation=\"…\" decryption=\"…\"/> in the legacy web.config on every server (users are logged out once), and import again.");
        }
        else
        {
            WebConfigAttributes.WarnUnknown(section, Setting, s_known, mapping);
        }

        MapKey(section, "validationKey", WebConfigKeys.ValidationKey, mapping);
        MapKey(section, "decryptionKey", WebConfigKeys.DecryptionKey, mapping);

        var mode = defaultMode;
        if (section is not null && WebConfigAttributes.Attribute(section, "compatibilityMode") is { } modeAttribute)
        {
            if (s_modes.Contains(modeAttribute.Value, StringComparer.Ordinal))
            {
                mode = modeAttribute.Value;
            }
            else
            {
                mapping.Error(modeAttribute, Setting + "/@compatibilityMode",
                    $"'{modeAttribute.Value}' is not Framework20SP1, Framework20SP2 or Framework45 (case-sensitive); System.Web refuses it.");
            }
        }

        mapping.Set(WebConfigKeys.CompatibilityMode, mode);
        MapAlgorithm(section, "validation", "HMACSHA256", s_validations, WebConfigKeys.Validation, mapping);
        MapAlgorithm(section, "decryption", "Auto", s_decryptions, WebConfigKeys.Decryption, mapping);
        if (mode == "Framework45" && section is not null && WebConfigAttributes.Value(section, "validation") is "MD5" or "3DES" or "AES")
        {
            mapping.Error(WebConfigAttributes.Attribute(section, "validation"), Setting + "/@validation",
                "Framework45 accepts only SHA1, HMACSHA256, HMACSHA384 or HMACSHA512 as validation; System.Web fails on first use. Fix the legacy web.config.");
        }

        if (section is not null && WebConfigAttributes.Attribute(section, "dataProtectorType") is { Value.Length: > 0 } protector)
        {
            mapping.Warning(protector, Setting + "/@dataProtectorType",
                "a custom DataProtector replaces System.Web's machineKey cryptography; SessionBridge implements only the built-in one, so logins cannot be shared this way.");
        }

        return mode;
    }

    private static void MapKey(XElement? section, string attributeName, string key, WebConfigMapping mapping)
    {
        var attribute = section is null ? null : WebConfigAttributes.Attribute(section, attributeName);
        var value = attribute?.Value.Trim() ?? DefaultKey;
        var setting = Setting + "/@" + attributeName;
        if (value.Contains("AutoGenerate", StringComparison.Ordinal))
        {
            if (section is not null)
            {
                mapping.Warning(attribute ?? (XObject)section, setting,
                    $"{(attribute is null ? "absent, so " : string.Empty)}AutoGenerate: each legacy server uses a key of its own machine that nothing else can read, so its login cookies cannot be shared. " +
                    $"Put the same explicit hex {attributeName} in the legacy web.config's <machineKey> on every server (users are logged out once), and import again. Not imported.");
            }

            return;
        }

        var parts = value.Split(',');
        if (parts.Length > 1)
        {
            mapping.Warning(attribute, setting,
                $"an explicit key followed by ,{parts[1].Trim()}: System.Web's legacy modes replace part of the key with a hash of the application's path (not reproducible elsewhere) and Framework45 refuses it. " +
                $"Remove ,{parts[1].Trim()} from {attributeName} on every legacy server (this changes the effective key: users are logged out once), and import again. Not imported.");
            return;
        }

        if (!WebConfigValues.IsHex(value))
        {
            mapping.Error(attribute, setting,
                $"{attributeName} is not hexadecimal with an even number of digits; System.Web refuses it. Put the key as hex digits (e.g. 64 for a 256-bit key).");
            return;
        }

        mapping.Set(key, value);
    }

    private static void MapAlgorithm(XElement? section, string attributeName, string fallback, string[] allowed, string key, WebConfigMapping mapping)
    {
        var attribute = section is null ? null : WebConfigAttributes.Attribute(section, attributeName);
        var value = attribute?.Value ?? fallback;
        if (value.StartsWith("alg:", StringComparison.Ordinal))
        {
            mapping.Warning(attribute, Setting + "/@" + attributeName,
                $"a custom algorithm ('{value}') is not supported by SessionBridge; logins protected with it cannot be shared. Not imported.");
            return;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            mapping.Error(attribute, Setting + "/@" + attributeName,
                $"'{value}' is not one of {string.Join(", ", allowed)} (case-sensitive); System.Web fails on first use. Fix the legacy web.config.");
            return;
        }

        mapping.Set(key, value);
    }
}
