using System.Xml;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// Reads, from a legacy web.config, only what decides the login cookies' bytes: <c>&lt;machineKey&gt;</c>,
/// <c>&lt;httpRuntime targetFramework&gt;</c>, <c>&lt;authentication&gt;&lt;forms&gt;</c> and the <c>&lt;appSettings&gt;</c>
/// switches of ../spec/legacy-auth-cookies.md §1.5. Kept in one file so a general web.config importer can absorb it.
/// </summary>
/// <remarks>
/// Only <c>configuration/system.web</c> and <c>configuration/appSettings</c> at the top level are read (not
/// <c>&lt;location&gt;</c>); DTDs are refused and the file is limited to 4 MiB.
/// </remarks>
internal static class LegacyWebConfigReader
{
    public const long MaxFileBytes = 4 * 1024 * 1024;

    public const string UseLegacyEncryptionSetting = "aspnet:UseLegacyEncryption";

    public const string UseLegacyTicketCompatibilitySetting = "aspnet:UseLegacyFormsAuthenticationTicketCompatibility";

    /// <summary>What the web.config says; <see langword="null"/> for an absent attribute.</summary>
    public sealed record Result(
        IReadOnlyDictionary<string, string> MachineKey,
        string? TargetFramework,
        IReadOnlyDictionary<string, string> Forms,
        IReadOnlyDictionary<string, string> AppSettings)
    {
        public string? MachineKeyAttribute(string name) => MachineKey.GetValueOrDefault(name);

        public string? FormsAttribute(string name) => Forms.GetValueOrDefault(name);

        public bool UseLegacyEncryption => MachineKeySettings.ParseAppSettingBoolean(AppSettings.GetValueOrDefault(UseLegacyEncryptionSetting));

        /// <summary>The settings, as System.Web resolves them.</summary>
        /// <exception cref="MachineKeyConfigurationException">The file's values cannot be reproduced, or the pre-2011 native ticket format is on.</exception>
        public MachineKeySettings ToSettings()
        {
            if (MachineKeySettings.ParseAppSettingBoolean(AppSettings.GetValueOrDefault(UseLegacyTicketCompatibilitySetting)))
            {
                throw new MachineKeyConfigurationException(
                    $"<appSettings> sets {UseLegacyTicketCompatibilitySetting}=true: the pre-2011 native ticket format of webengine4.dll is not supported; remove the switch from the legacy web.config.");
            }

            if (MachineKey.Count == 0)
            {
                throw new MachineKeyConfigurationException(
                    "The web.config has no <machineKey> under <system.web>: the legacy application then uses auto-generated keys, which cannot be shared. " +
                    "Add <machineKey validationKey=\"HEX\" decryptionKey=\"HEX\" validation=\"HMACSHA256\" decryption=\"AES\"/> to it.");
            }

            return MachineKeySettings.Create(MachineKeyAttribute("validationKey"), MachineKeyAttribute("decryptionKey"), MachineKeyAttribute("validation"),
                MachineKeyAttribute("decryption"), MachineKeyAttribute("compatibilityMode"), TargetFramework, UseLegacyEncryption, FormsAttribute("protection"));
        }
    }

    /// <exception cref="IOException">The file is missing, too large or unreadable.</exception>
    /// <exception cref="XmlException">The file is not well-formed XML.</exception>
    public static Result Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The web.config '{path}' does not exist.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new IOException($"'{path}' is larger than {MaxFileBytes} bytes; it is not a web.config.");
        }

        using var stream = info.OpenRead();
        return Read(stream);
    }

    public static Result Read(Stream stream)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = MaxFileBytes };
        var document = new XmlDocument { XmlResolver = null };
        using (var reader = XmlReader.Create(stream, settings))
        {
            document.Load(reader);
        }

        var root = document.DocumentElement;
        if (root is null || root.LocalName != "configuration")
        {
            throw new XmlException("The file's root element is not <configuration>; it is not a web.config.");
        }

        var systemWeb = Child(root, "system.web");
        var machineKey = Attributes(systemWeb is null ? null : Child(systemWeb, "machineKey"));
        var httpRuntime = systemWeb is null ? null : Child(systemWeb, "httpRuntime");
        var authentication = systemWeb is null ? null : Child(systemWeb, "authentication");
        var forms = Attributes(authentication is null ? null : Child(authentication, "forms"));
        var appSettings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(root, "appSettings") is { } section)
        {
            foreach (var element in section.ChildNodes.OfType<XmlElement>())
            {
                var key = element.GetAttribute("key");
                switch (element.LocalName)
                {
                    case "add" when key.Length > 0:
                        appSettings[key] = element.GetAttribute("value");
                        break;
                    case "remove" when key.Length > 0:
                        _ = appSettings.Remove(key);
                        break;
                    case "clear":
                        appSettings.Clear();
                        break;
                }
            }
        }

        var targetFramework = httpRuntime?.GetAttributeNode("targetFramework")?.Value;
        return new Result(machineKey, targetFramework, forms, appSettings);
    }

    private static XmlElement? Child(XmlElement parent, string name) =>
        parent.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == name);

    private static Dictionary<string, string> Attributes(XmlElement? element)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element is not null)
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                result[attribute.LocalName] = attribute.Value;
            }
        }

        return result;
    }
}
