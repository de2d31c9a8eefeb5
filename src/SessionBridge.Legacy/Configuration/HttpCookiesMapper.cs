namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;httpCookies requireSSL domain&gt;</c>: System.Web's defaults for every cookie it creates, so also for the
/// session cookie (its Secure flag and Domain). <c>httpOnlyCookies</c> and <c>sameSite</c> are not imported: the
/// session cookie is always HttpOnly and takes SameSite from <c>sessionState/@cookieSameSite</c>, and the forms cookie
/// takes both from <c>&lt;forms&gt;</c>.
/// </summary>
internal static class HttpCookiesMapper
{
    private const string Setting = "system.web/httpCookies";

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal) { "httpOnlyCookies", "requireSSL", "domain", "sameSite" };

    /// <summary>Maps the section and returns its domain (the forms cookie's default domain too), or null.</summary>
    public static string? Map(WebConfigDocument document, WebConfigMapping mapping)
    {
        var section = document.Section(Setting);
        if (section is null)
        {
            return null;
        }

        WebConfigAttributes.WarnUnknown(section, Setting, s_known, mapping);
        if (WebConfigAttributes.Attribute(section, "requireSSL") is { } requireSsl)
        {
            if (!WebConfigValues.TryBool(requireSsl.Value, out var secure))
            {
                mapping.Error(requireSsl, Setting + "/@requireSSL", $"'{requireSsl.Value}' is not true or false; System.Web refuses it.");
            }
            else
            {
                // requireSSL="false" never marks the cookie Secure (SessionBridge's None), "true" always does.
                mapping.Set(WebConfigKeys.CookieSecure, secure ? "Always" : "None");
            }
        }

        var domain = WebConfigAttributes.Value(section, "domain");
        if (!string.IsNullOrWhiteSpace(domain))
        {
            mapping.Set(WebConfigKeys.CookieDomain, domain.Trim());
            return domain.Trim();
        }

        return null;
    }
}
