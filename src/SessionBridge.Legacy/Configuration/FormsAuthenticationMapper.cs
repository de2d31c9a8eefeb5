using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;authentication mode="Forms"&gt;&lt;forms …/&gt;</c>: the forms ticket cookie, with System.Web's defaults written
/// out (<c>.ASPXAUTH</c>, <c>login.aspx</c>, 30 minutes, sliding, path <c>/</c>, protection All), so both applications
/// agree whatever SessionBridge's own defaults are. The cookie's domain falls back to <c>httpCookies/@domain</c>, as
/// System.Web's cookies do.
/// </summary>
/// <remarks>Source: ../spec/legacy-auth-cookies.md §1.4. <c>defaultUrl</c>, <c>enableCrossAppRedirects</c>, <c>ticketCompatibilityMode</c> and <c>&lt;credentials&gt;</c> act only inside the legacy application (its login page and redirects) and are not imported.</remarks>
internal static class FormsAuthenticationMapper
{
    private const string Setting = "system.web/authentication";
    private const string FormsSetting = Setting + "/forms";

    private static readonly HashSet<string> s_knownAuthentication = new(StringComparer.Ordinal) { "mode" };

    private static readonly HashSet<string> s_knownForms = new(StringComparer.Ordinal)
    {
        "name", "loginUrl", "defaultUrl", "protection", "timeout", "path", "requireSSL", "slidingExpiration",
        "enableCrossAppRedirects", "cookieless", "domain", "ticketCompatibilityMode", "cookieSameSite",
    };

    private static readonly string[] s_protections = ["All", "None", "Encryption", "Validation"];

    /// <summary>Whether the legacy application uses forms authentication.</summary>
    public static bool IsForms(WebConfigDocument document) =>
        document.Section(Setting) is { } section && WebConfigAttributes.Value(section, "mode")?.Trim() == "Forms";

    public static void Map(WebConfigDocument document, string? httpCookiesDomain, string compatibilityMode, WebConfigMapping mapping)
    {
        var section = document.Section(Setting);
        if (section is null)
        {
            return;
        }

        WebConfigAttributes.WarnUnknown(section, Setting, s_knownAuthentication, mapping);
        var modeAttribute = WebConfigAttributes.Attribute(section, "mode");
        switch (modeAttribute?.Value.Trim())
        {
            case "Forms":
                break;
            case null or "Windows":
                mapping.Warning(modeAttribute ?? (XObject)section, Setting + "/@mode",
                    "Windows authentication (System.Web's default) travels in no cookie SessionBridge can share; the ASP.NET Core application authenticates Windows users itself (the Negotiate handler). Nothing imported.");
                return;
            case "None" or "Passport":
                return;
            default:
                mapping.Error(modeAttribute, Setting + "/@mode", $"'{modeAttribute.Value}' is not None, Windows, Passport or Forms (case-sensitive); System.Web refuses it.");
                return;
        }

        var forms = section.Elements().FirstOrDefault(e => e.Name.LocalName == "forms");
        if (forms is not null)
        {
            WebConfigAttributes.WarnUnknown(forms, FormsSetting, s_knownForms, mapping);
        }

        string? Value(string name) => forms is null ? null : WebConfigAttributes.Value(forms, name);
        XAttribute? At(string name) => forms is null ? null : WebConfigAttributes.Attribute(forms, name);

        mapping.Set(WebConfigKeys.FormsName, Value("name") is { Length: > 0 } name ? name : ".ASPXAUTH");
        mapping.Set(WebConfigKeys.FormsLoginUrl, Value("loginUrl") is { Length: > 0 } loginUrl ? loginUrl : "login.aspx");
        mapping.Set(WebConfigKeys.FormsPath, Value("path") is { Length: > 0 } path ? path : "/");
        if ((Value("domain") is { Length: > 0 } domain ? domain : httpCookiesDomain) is { } cookieDomain)
        {
            mapping.Set(WebConfigKeys.FormsDomain, cookieDomain);
        }

        if (At("timeout") is { } timeout)
        {
            if (WebConfigValues.TryWhole(timeout.Value, allowInfinite: false, out var minutes) && minutes >= 1 && minutes <= int.MaxValue)
            {
                mapping.Set(WebConfigKeys.FormsTimeout, WebConfigValues.Invariant(minutes));
            }
            else
            {
                mapping.Error(timeout, FormsSetting + "/@timeout", $"'{timeout.Value}' is not a whole number of minutes of at least 1; System.Web refuses it.");
            }
        }
        else
        {
            mapping.Set(WebConfigKeys.FormsTimeout, "30");
        }

        MapBool(At("slidingExpiration"), "slidingExpiration", true, WebConfigKeys.FormsSlidingExpiration, mapping);
        MapBool(At("requireSSL"), "requireSSL", false, WebConfigKeys.FormsRequireSsl, mapping);

        var protection = At("protection");
        var protectionValue = protection?.Value.Trim() ?? "All";
        if (s_protections.Contains(protectionValue, StringComparer.Ordinal))
        {
            mapping.Set(WebConfigKeys.FormsProtection, protectionValue);
            if (protectionValue != "All" && compatibilityMode == "Framework45")
            {
                mapping.Warning(protection, FormsSetting + "/@protection",
                    $"protection=\"{protectionValue}\" is ignored in Framework45 mode: tickets are always encrypted and signed (imported as it is; SessionBridge follows the same rule).");
            }
        }
        else
        {
            mapping.Error(protection, FormsSetting + "/@protection", $"'{protectionValue}' is not All, None, Encryption or Validation (case-sensitive); System.Web refuses it.");
        }

        var cookieless = At("cookieless");
        switch (cookieless?.Value)
        {
            case null or "UseCookies":
                break;
            case "UseUri":
                mapping.Error(cookieless, FormsSetting + "/@cookieless",
                    "cookieless=\"UseUri\" puts the forms ticket in every URL instead of a cookie; SessionBridge reads only the cookie, so logins cannot be shared. Set cookieless=\"UseCookies\" in the legacy web.config.");
                break;
            case "AutoDetect" or "UseDeviceProfile":
                mapping.Warning(cookieless, FormsSetting + "/@cookieless",
                    $"cookieless=\"{cookieless.Value}\" puts the ticket in the URL for clients without cookies; SessionBridge reads only the cookie, so those clients are not logged in on its pages. Set cookieless=\"UseCookies\" to be certain.");
                break;
            default:
                mapping.Error(cookieless, FormsSetting + "/@cookieless", $"'{cookieless.Value}' is not UseCookies, UseUri, AutoDetect or UseDeviceProfile (case-sensitive); System.Web refuses it.");
                break;
        }

        if (At("cookieSameSite") is { } sameSite && !string.Equals(sameSite.Value.Trim(), "Lax", StringComparison.OrdinalIgnoreCase))
        {
            mapping.Warning(sameSite, FormsSetting + "/@cookieSameSite",
                $"cookieSameSite=\"{sameSite.Value}\" has no LegacyAuthentication:Forms key yet, so it is not imported; set the forms cookie's SameSite in code to match.");
        }
    }

    private static void MapBool(XAttribute? attribute, string name, bool fallback, string key, WebConfigMapping mapping)
    {
        if (attribute is null)
        {
            mapping.Set(key, WebConfigValues.Invariant(fallback));
        }
        else if (WebConfigValues.TryBool(attribute.Value, out var value))
        {
            mapping.Set(key, WebConfigValues.Invariant(value));
        }
        else
        {
            mapping.Error(attribute, FormsSetting + "/@" + name, $"'{attribute.Value}' is not true or false; System.Web refuses it.");
        }
    }
}
