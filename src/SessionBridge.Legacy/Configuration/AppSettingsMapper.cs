using System.Globalization;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// The <c>&lt;appSettings&gt;</c> switches that change session or login behaviour, parsed as System.Web's
/// <c>AppSettings</c> class parses them (<c>bool.TryParse</c>, <c>int.TryParse</c>; an unparsable value means the default).
/// </summary>
internal static class AppSettingsMapper
{
    private const string QueueLimit = "aspnet:RequestQueueLimitPerSession";
    private const string Concurrent = "aspnet:AllowConcurrentRequestsPerSession";
    private const string LegacyEncryption = "aspnet:UseLegacyEncryption";
    private const string LegacyTicket = "aspnet:UseLegacyFormsAuthenticationTicketCompatibility";

    public static void Map(WebConfigSettings settings, Version targetFramework, WebConfigMapping mapping)
    {
        MapQueueLimit(settings, targetFramework, mapping);

        if (bool.TryParse(settings.AppSetting(Concurrent), out var concurrent) && concurrent)
        {
            mapping.Warning(settings.AppSettingElement(Concurrent), $"appSettings/{Concurrent}",
                "the legacy application (Microsoft.AspNet.SessionState.SessionStateModuleAsync) runs requests of one session concurrently without locking, and its writes delete whatever lock is held, including SessionBridge's. " +
                "SessionBridge always locks as System.Web does; a lock-free mode is not supported yet, so updates from the two applications can still overwrite each other while this is true. Consider removing the setting from the legacy web.config.");
        }

        if (settings.AppSettingElement(LegacyEncryption) is { } encryption)
        {
            if (bool.TryParse(settings.AppSetting(LegacyEncryption), out var legacy))
            {
                mapping.Set(WebConfigKeys.UseLegacyEncryption, WebConfigValues.Invariant(legacy));
            }
            else
            {
                mapping.Warning(encryption, $"appSettings/{LegacyEncryption}", "not true or false, so System.Web treats it as false; not imported.");
            }
        }

        if (bool.TryParse(settings.AppSetting(LegacyTicket), out var legacyTicket) && legacyTicket)
        {
            mapping.Warning(settings.AppSettingElement(LegacyTicket), $"appSettings/{LegacyTicket}",
                "the legacy application writes forms tickets in the pre-2011 native format, which SessionBridge does not read or write. Remove the setting from the legacy web.config (it is also a security risk) to share logins.");
        }
    }

    private static void MapQueueLimit(WebConfigSettings settings, Version targetFramework, WebConfigMapping mapping)
    {
        var element = settings.AppSettingElement(QueueLimit);
        var targets463 = targetFramework >= new Version(4, 6, 3);
        if (element is not null && int.TryParse(settings.AppSetting(QueueLimit), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit >= 0)
        {
            if (limit == 0)
            {
                mapping.Warning(element, $"appSettings/{QueueLimit}",
                    "0 makes the legacy application fail every request that would wait for a session's lock; SessionBridge needs a limit of at least 1. Not imported: set LegacySession:RequestQueueLimit yourself.");
            }
            else
            {
                mapping.Set(WebConfigKeys.RequestQueueLimit, WebConfigValues.Invariant(limit));
            }

            return;
        }

        if (element is not null)
        {
            mapping.Warning(element, $"appSettings/{QueueLimit}", "not a whole number of at least 0, so System.Web ignores it and uses its default; not imported.");
        }

        if (!targets463)
        {
            mapping.Warning(element, $"appSettings/{QueueLimit}",
                "the legacy application targets a framework before 4.6.3 (httpRuntime/@targetFramework), so System.Web queues any number of requests per session; SessionBridge queues at most 50 (LegacySession:RequestQueueLimit) and answers 429 beyond. Raise it if the legacy application relies on long queues.");
        }
    }
}
