using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// <c>&lt;sessionState&gt;</c>: the mode picks the store (StateServer, SQLServer, Custom with the Redis provider), the
/// other attributes the cookie, the timeout and the store's settings. InProc and cookieless sessions cannot be shared.
/// </summary>
/// <remarks>Attribute names, defaults and converters are System.Web's <c>SessionStateSection</c>'s.</remarks>
internal static class SessionStateMapper
{
    public const string Setting = "system.web/sessionState";

    private const int MaxTimeoutMinutes = SystemWebDefaults.MaxTimeoutMinutes;

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "mode", "stateConnectionString", "stateNetworkTimeout", "sqlConnectionString", "sqlCommandTimeout",
        "sqlConnectionRetryInterval", "customProvider", "cookieless", "cookieName", "timeout", "allowCustomSqlDatabase",
        "compressionEnabled", "regenerateExpiredSessionId", "partitionResolverType", "useHostingIdentity",
        "sessionIDManagerType", "cookieSameSite",
    };

    public static void Map(WebConfigDocument document, WebConfigSettings settings, WebConfigMapping mapping, LegacyPlatform platform)
    {
        var section = document.Section(Setting);
        if (section is null)
        {
            mapping.Warning(null, Setting,
                "the web.config has no <sessionState>, so the legacy application uses System.Web's default, InProc, which keeps sessions inside the legacy process where no other process can read them. " +
                "If the legacy application uses Session, move it to a shared store first: mode=\"StateServer\", mode=\"SQLServer\" or the Redis provider (docs/migration.md, \"Pick the store\"). No store is imported.");
            return;
        }

        WebConfigAttributes.WarnUnknown(section, Setting, s_known, mapping);
        MapCookie(section, mapping);
        MapTimeout(section, mapping);
        MapIgnoredButDifferent(section, mapping);

        var modeAttribute = WebConfigAttributes.Attribute(section, "mode");
        var mode = modeAttribute?.Value.Trim() ?? "InProc";
        switch (mode.ToUpperInvariant())
        {
            case "INPROC":
                mapping.Error(modeAttribute ?? (XObject)section, Setting + "/@mode",
                    "InProc keeps sessions inside the legacy process, where no other process can read or lock them, so they cannot be shared. " +
                    "Change the legacy web.config to a shared store first: mode=\"StateServer\" (with stateConnectionString), mode=\"SQLServer\" or mode=\"Custom\" with Microsoft.Web.RedisSessionStateProvider; then import again.");
                break;
            case "OFF":
                mapping.Warning(modeAttribute, Setting + "/@mode",
                    "session state is off in the legacy application: there is no session to share, and no store is imported. SessionBridge uses its own store (LegacySession:Store, InMemory by default).");
                break;
            case "STATESERVER":
                MapStateServer(section, mapping, platform);
                MapCompression(section, mapping);
                break;
            case "SQLSERVER":
                SqlServerMapper.Map(section, settings, mapping, platform);
                MapCompression(section, mapping);
                break;
            case "CUSTOM":
                MapCustom(section, settings, mapping, platform);
                if (WebConfigAttributes.Attribute(section, "compressionEnabled") is { } compression
                    && WebConfigValues.TryBool(compression.Value, out var compressed) && compressed)
                {
                    mapping.Warning(compression, Setting + "/@compressionEnabled",
                        "compressionEnabled applies only to System.Web's StateServer and SQLServer stores; a custom provider such as the Redis provider writes its own bytes uncompressed. Not imported.");
                }

                break;
            default:
                mapping.Error(modeAttribute, Setting + "/@mode",
                    $"'{mode}' is not a session state mode; System.Web knows Off, InProc, StateServer, SQLServer and Custom. Fix the legacy web.config.");
                break;
        }
    }

    private static void MapCookie(XElement section, WebConfigMapping mapping)
    {
        if (WebConfigAttributes.Value(section, "cookieName") is { Length: > 0 } cookieName)
        {
            mapping.Set(WebConfigKeys.CookieName, cookieName);
        }

        if (WebConfigAttributes.Attribute(section, "cookieSameSite") is { } sameSite)
        {
            var value = sameSite.Value.Trim();
            var known = new[] { "None", "Lax", "Strict", "Unspecified" }.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                mapping.Error(sameSite, Setting + "/@cookieSameSite", $"'{value}' is not None, Lax or Strict; System.Web refuses it.");
            }
            else
            {
                mapping.Set(WebConfigKeys.CookieSameSite, known);
            }
        }

        var cookieless = WebConfigAttributes.Attribute(section, "cookieless");
        switch (cookieless?.Value)
        {
            case null or "false" or "UseCookies":
                break;
            case "true" or "UseUri":
                mapping.Error(cookieless, Setting + "/@cookieless",
                    $"cookieless=\"{cookieless.Value}\" puts the session id in every URL (/(S(id))/page.aspx) instead of a cookie; SessionBridge reads the id only from the cookie, so the two applications would never see the same session. " +
                    "Set cookieless=\"UseCookies\" in the legacy web.config (this also ends the session-fixation and URL-leak risks of URL ids).");
                break;
            case "AutoDetect" or "UseDeviceProfile":
                mapping.Warning(cookieless, Setting + "/@cookieless",
                    $"cookieless=\"{cookieless.Value}\" puts the session id in the URL for clients without cookies; SessionBridge reads only the cookie, so those clients get two separate sessions. Set cookieless=\"UseCookies\" in the legacy web.config to be certain.");
                break;
            default:
                mapping.Error(cookieless, Setting + "/@cookieless",
                    $"'{cookieless.Value}' is not true, false, UseCookies, UseUri, AutoDetect or UseDeviceProfile (case-sensitive); System.Web refuses it.");
                break;
        }
    }

    private static void MapTimeout(XElement section, WebConfigMapping mapping)
    {
        if (WebConfigAttributes.Attribute(section, "timeout") is not { } timeout)
        {
            return;
        }

        if (!WebConfigValues.TryWhole(timeout.Value, allowInfinite: true, out var minutes) || minutes < 1)
        {
            mapping.Error(timeout, Setting + "/@timeout",
                $"'{timeout.Value}' is not a whole number of minutes of at least 1; System.Web refuses it. The unit is minutes: timeout=\"20\" is 20 minutes.");
            return;
        }

        if (minutes > MaxTimeoutMinutes)
        {
            mapping.Warning(timeout, Setting + "/@timeout",
                $"'{timeout.Value}' minutes is more than SessionBridge's maximum of {MaxTimeoutMinutes} (one year, System.Web's own limit for StateServer); not imported. Set LegacySession:Timeout yourself.");
            return;
        }

        mapping.Set(WebConfigKeys.Timeout, WebConfigValues.Invariant(minutes));
    }

    private static void MapIgnoredButDifferent(XElement section, WebConfigMapping mapping)
    {
        if (WebConfigAttributes.Attribute(section, "partitionResolverType") is { Value.Length: > 0 } resolver)
        {
            mapping.Warning(resolver, Setting + "/@partitionResolverType",
                "a partition resolver picks the state server or SQL Server per session id in the legacy application's code; it cannot be imported. " +
                "For state servers, give SessionBridge the same choice in code (StateServerStoreOptions.PartitionResolver, or PartitionConnectionStrings with the same hash); SQL Server partitions are not supported.");
        }

        if (WebConfigAttributes.Attribute(section, "sessionIDManagerType") is { Value.Length: > 0 } idManager)
        {
            mapping.Warning(idManager, Setting + "/@sessionIDManagerType",
                "a custom session id manager decides how ids look and travel; SessionBridge reads, validates and mints System.Web's ids (24 characters a-z and 0-5) from the cookie. Sharing works only if the custom manager keeps that format and the cookie.");
        }
    }

    private static void MapStateServer(XElement section, WebConfigMapping mapping, LegacyPlatform platform)
    {
        var mono = platform == LegacyPlatform.Mono;
        var attribute = WebConfigAttributes.Attribute(section, "stateConnectionString");
        var connectionString = attribute?.Value.Trim() is { Length: > 0 } text ? text : "tcpip=loopback:42424";
        var host = StateConnectionString.Host(connectionString);
        if (host is null)
        {
            mapping.Error(attribute, Setting + "/@stateConnectionString",
                $"'{connectionString}' is not tcpip=host:port or tcpip=[IPv6]:port; System.Web refuses it.");
            return;
        }

        mapping.Set(WebConfigKeys.Store, mono ? "MonoStateServer" : "StateServer");
        mapping.Set(WebConfigKeys.LegacyPlatform, mono ? "Mono" : "SystemWeb");
        mapping.Set(mono ? WebConfigKeys.MonoStateServerConnectionString : WebConfigKeys.StateServerConnectionString, connectionString);

        if (StateConnectionString.IsLoopback(host))
        {
            mapping.Warning(attribute ?? (XObject)section, Setting + "/@stateConnectionString",
                $"{(attribute is null ? "the default state server, " : string.Empty)}'{connectionString}' is the legacy server's own loopback: SessionBridge reaches it only when it runs on that same machine, and a second legacy server never does. " +
                (mono
                    ? "Run asp-state4 (or SessionBridge's state server) on a host both applications reach, point stateConnectionString and LegacySession:MonoStateServer:ConnectionString at it, and let only the application servers reach its port: the Mono state server has no authentication and deserializes whatever arrives with BinaryFormatter."
                    : "Run the state server on a host both applications reach (aspnet_state needs the registry value AllowRemoteConnection=1; or SessionBridge's own state server), point stateConnectionString and LegacySession:StateServer:ConnectionString at it, and firewall its port (42424) to the application servers only: the protocol has no authentication."));
        }

        if (WebConfigAttributes.Attribute(section, "stateNetworkTimeout") is { } networkTimeout)
        {
            if (!WebConfigValues.TryWhole(networkTimeout.Value, allowInfinite: true, out var seconds) || seconds < 1)
            {
                mapping.Error(networkTimeout, Setting + "/@stateNetworkTimeout", $"'{networkTimeout.Value}' is not a positive whole number of seconds; System.Web refuses it.");
            }
            else if (mono)
            {
                mapping.Warning(networkTimeout, Setting + "/@stateNetworkTimeout",
                    "not imported for Mono's Remoting state server: the Mono state server store has no such setting.");
            }
            else if (seconds > int.MaxValue)
            {
                mapping.Warning(networkTimeout, Setting + "/@stateNetworkTimeout",
                    "Infinite is not imported: SessionBridge bounds every exchange with the state server (LegacySession:StateServer:NetworkTimeout, default 10 seconds).");
            }
            else
            {
                mapping.Set(WebConfigKeys.StateServerNetworkTimeout, WebConfigValues.Invariant(TimeSpan.FromSeconds(seconds)));
            }
        }

        if (!mono)
        {
            mapping.Warning(null, WebConfigKeys.StateServerApplicationId,
                "must be set by you: the legacy application's IIS application id (HttpRuntime.AppDomainAppId), /LM/W3SVC/<site id>/ROOT for a site root or /LM/W3SVC/<site id>/ROOT/<virtual directory>. It is not in web.config. " +
                "It is case-sensitive and names every item on the state server, so it must be identical on every legacy server (the same IIS site id everywhere) and in SessionBridge, or each reads sessions the others cannot see.");
            mapping.Warning(null, WebConfigKeys.StateServerKeyScheme,
                "legacy servers on .NET Framework 4.8 hash the application id with SHA-256 (SessionBridge's default); on 4.7.2 and earlier they hash it with the machineKey: then set LegacySession:StateServer:KeyScheme=MachineKey and the machineKey's validationKey and validation as LegacySession:StateServer:ValidationKey and :Validation.");
        }
    }

    private static void MapCompression(XElement section, WebConfigMapping mapping)
    {
        if (WebConfigAttributes.Attribute(section, "compressionEnabled") is not { } compression)
        {
            return;
        }

        if (!WebConfigValues.TryBool(compression.Value, out var enabled))
        {
            mapping.Error(compression, Setting + "/@compressionEnabled", $"'{compression.Value}' is not true or false; System.Web refuses it.");
            return;
        }

        mapping.Set(WebConfigKeys.CompressionEnabled, WebConfigValues.Invariant(enabled));
    }

    private static void MapCustom(XElement section, WebConfigSettings settings, WebConfigMapping mapping, LegacyPlatform platform)
    {
        var customAttribute = WebConfigAttributes.Attribute(section, "customProvider");
        var name = customAttribute?.Value.Trim();
        if (string.IsNullOrEmpty(name))
        {
            mapping.Error(customAttribute ?? (XObject)section, Setting + "/@customProvider",
                "mode=\"Custom\" needs customProvider, the name of a <providers><add name=…> entry; System.Web refuses the section without it.");
            return;
        }

        XElement? provider = null;
        foreach (var element in section.Elements().Where(e => e.Name.LocalName == "providers").SelectMany(p => p.Elements()))
        {
            switch (element.Name.LocalName)
            {
                case "add" when string.Equals(WebConfigAttributes.Value(element, "name"), name, StringComparison.OrdinalIgnoreCase):
                    provider = element;
                    break;
                case "remove" when string.Equals(WebConfigAttributes.Value(element, "name"), name, StringComparison.OrdinalIgnoreCase):
                case "clear":
                    provider = null;
                    break;
            }
        }

        if (provider is null)
        {
            mapping.Error(customAttribute, Setting + "/@customProvider",
                $"no <providers><add name=\"{name}\"> in this web.config; System.Web cannot start the session module without it. Add the provider or fix the name.");
            return;
        }

        var type = WebConfigAttributes.Value(provider, "type") ?? string.Empty;
        var typeName = type.Split(',')[0].Trim();
        var setting = $"{Setting}/providers/add[@name='{name}']";
        switch (typeName)
        {
            case "Microsoft.Web.Redis.RedisSessionStateProvider":
                RedisProviderMapper.Map(provider, setting, type, settings, mapping, platform);
                break;
            case "Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync":
                mapping.Error(WebConfigAttributes.Attribute(provider, "type"), setting + "/@type",
                    "Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync keeps sessions in its own table (ASPNetSessionState_*), not in the ASPState procedures SessionBridge's SQL Server store calls; it is not supported. " +
                    "Switch the legacy application to mode=\"SQLServer\" (aspnet_regsql) or to the Redis provider.");
                break;
            default:
                mapping.Error(WebConfigAttributes.Attribute(provider, "type") ?? (XObject)provider, setting + "/@type",
                    $"the custom provider '{typeName}' keeps sessions in a store and format SessionBridge does not know, so they cannot be shared. SessionBridge shares the StateServer and SQLServer modes and Microsoft.Web.RedisSessionStateProvider.");
                break;
        }
    }
}
