using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>Reading a section's attributes, and flagging those System.Web does not know.</summary>
internal static class WebConfigAttributes
{
    // Attributes every configuration element may carry; none changes what a section means.
    private static readonly HashSet<string> s_general = new(StringComparer.Ordinal)
    {
        "configSource", "lockAttributes", "lockAllAttributesExcept", "lockElements", "lockAllElementsExcept", "lockItem",
    };

    public static string? Value(XElement element, string name) => (string?)element.Attributes().FirstOrDefault(a => a.Name.LocalName == name && a.Name.Namespace == XNamespace.None);

    public static XAttribute? Attribute(XElement element, string name) => element.Attributes().FirstOrDefault(a => a.Name.LocalName == name && a.Name.Namespace == XNamespace.None);

    /// <summary>
    /// Warns about attributes outside <paramref name="known"/>: System.Configuration rejects unknown attribute names
    /// (they are case-sensitive), so such a name is a typo the legacy application would not run with, or a setting of a
    /// newer version this import does not know. Namespaced attributes (<c>xmlns</c>, <c>xdt:Transform</c>) are skipped.
    /// </summary>
    public static void WarnUnknown(XElement element, string setting, IReadOnlySet<string> known, WebConfigMapping mapping)
    {
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration || attribute.Name.Namespace != XNamespace.None
                || known.Contains(attribute.Name.LocalName) || s_general.Contains(attribute.Name.LocalName))
            {
                continue;
            }

            var hint = known.FirstOrDefault(k => string.Equals(k, attribute.Name.LocalName, StringComparison.OrdinalIgnoreCase)) is { } proper
                ? $" Attribute names are case-sensitive: did you mean '{proper}'?"
                : string.Empty;
            mapping.Warning(attribute, setting + "/@" + attribute.Name.LocalName,
                $"System.Web does not know this attribute; it is not imported.{hint}");
        }
    }
}
