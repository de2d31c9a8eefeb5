using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;appSettings&gt;</c> and <c>&lt;connectionStrings&gt;</c> as System.Configuration builds them: <c>add</c>,
/// <c>remove</c> and <c>clear</c> in order, keys compared case-insensitively, and appSettings' <c>file</c> attribute,
/// whose entries win over the section's own (a missing file is ignored, as .NET does).
/// </summary>
internal sealed class WebConfigSettings
{
    private readonly Dictionary<string, (string Value, XElement At)> _appSettings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Value, XElement At)> _connectionStrings = new(StringComparer.OrdinalIgnoreCase);

    public static WebConfigSettings Read(WebConfigDocument document, WebConfigMapping mapping)
    {
        var settings = new WebConfigSettings();
        if (document.Section("appSettings") is { } appSettings)
        {
            Apply(appSettings, "key", "value", settings._appSettings);
            if ((string?)appSettings.Attribute("file") is { Length: > 0 } file
                && document.ResolveBeside(appSettings, "appSettings/@file", file) is { } full && File.Exists(full))
            {
                var other = WebConfigDocument.Parse(full, WebConfigImporter.ReadBounded(full));
                if (other.Name.LocalName != "appSettings")
                {
                    mapping.Error(appSettings.Attribute("file"), "appSettings/@file", $"'{file}' holds <{other.Name.LocalName}>, not <appSettings>; .NET refuses it.");
                }
                else
                {
                    Apply(other, "key", "value", settings._appSettings);
                }
            }
        }

        if (document.Section("connectionStrings") is { } connectionStrings)
        {
            Apply(connectionStrings, "name", "connectionString", settings._connectionStrings);
        }

        return settings;
    }

    /// <summary>An appSetting's value, or null when absent or empty.</summary>
    public string? AppSetting(string key) => _appSettings.TryGetValue(key, out var entry) && entry.Value.Length > 0 ? entry.Value : null;

    public XElement? AppSettingElement(string key) => _appSettings.TryGetValue(key, out var entry) ? entry.At : null;

    /// <summary>A connection string by name, or null when absent or empty.</summary>
    public string? ConnectionString(string name) => _connectionStrings.TryGetValue(name, out var entry) && !string.IsNullOrWhiteSpace(entry.Value) ? entry.Value : null;

    private static void Apply(XElement section, string keyName, string valueName, Dictionary<string, (string, XElement)> target)
    {
        foreach (var element in section.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "add" when (string?)element.Attribute(keyName) is { } key:
                    target[key] = ((string?)element.Attribute(valueName) ?? string.Empty, element);
                    break;
                case "remove" when (string?)element.Attribute(keyName) is { } key:
                    _ = target.Remove(key);
                    break;
                case "clear":
                    target.Clear();
                    break;
            }
        }
    }
}
