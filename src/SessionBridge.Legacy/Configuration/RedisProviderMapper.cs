using System.Globalization;
using System.Xml.Linq;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// The <c>&lt;providers&gt;&lt;add type="Microsoft.Web.Redis.RedisSessionStateProvider" …&gt;</c> attributes, resolved as
/// the provider's <c>ProviderConfiguration</c> does: a string attribute's value may be the name of an appSetting
/// whose value replaces it; <c>connectionString</c> may also name a <c>&lt;connectionStrings&gt;</c> entry; a numeric or
/// boolean attribute that does not parse is looked up in appSettings. With <c>connectionString</c> set, host, port,
/// accessKey, ssl and the timeouts are ignored (as the provider ignores them); otherwise they are turned into a
/// StackExchange.Redis configuration string (<c>ssl</c> defaults to <b>true</b> in the provider's code).
/// </summary>
/// <remarks>Source: ../spec/redis-provider-layout.md §1.7–1.9.</remarks>
internal static class RedisProviderMapper
{
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "name", "type", "description", "host", "port", "accessKey", "ssl", "databaseId", "connectionString",
        "settingsClassName", "settingsMethodName", "loggingClassName", "loggingMethodName", "applicationName",
        "throwOnError", "retryTimeoutInMilliseconds", "connectionTimeoutInMilliseconds", "operationTimeoutInMilliseconds",
        "redisSerializerType",
    };

    private static readonly string[] s_ignoredWithConnectionString =
        ["host", "port", "accessKey", "ssl", "connectionTimeoutInMilliseconds", "operationTimeoutInMilliseconds"];

    public static void Map(XElement add, string setting, string type, WebConfigSettings settings, WebConfigMapping mapping, LegacyPlatform platform)
    {
        var reader = new Reader(add, setting, settings, mapping);
        foreach (var attribute in add.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.Namespace == XNamespace.None && !s_known.Contains(a.Name.LocalName)))
        {
            mapping.Warning(attribute, setting + "/@" + attribute.Name.LocalName,
                "not a setting of Microsoft.Web.RedisSessionStateProvider that SessionBridge knows; not imported.");
        }

        mapping.Set(WebConfigKeys.Store, "Redis");
        mapping.Set(WebConfigKeys.LegacyPlatform, platform == LegacyPlatform.Mono ? "Mono" : "SystemWeb");

        var connectionString = reader.ConnectionString();
        var settingsClass = reader.String("settingsClassName");
        var settingsMethod = reader.String("settingsMethodName");
        var databaseId = reader.Int("databaseId", 0);
        if (connectionString is not null && (settingsClass is not null || settingsMethod is not null))
        {
            mapping.Error(WebConfigAttributes.Attribute(add, "connectionString"), setting + "/@connectionString",
                "connectionString cannot be combined with settingsClassName/settingsMethodName; the provider refuses the configuration. Keep one.");
        }
        else if (settingsClass is not null && settingsMethod is not null)
        {
            mapping.Warning(WebConfigAttributes.Attribute(add, "settingsClassName"), setting + "/@settingsClassName",
                $"the legacy application gets its Redis connection string from code ({settingsClass}.{settingsMethod}()); it cannot be imported. Set LegacySession:Redis:Configuration to the string that method returns.");
        }
        else if (connectionString is not null)
        {
            var ignored = s_ignoredWithConnectionString.Where(n => WebConfigAttributes.Attribute(add, n) is not null).ToArray();
            if (ignored.Length > 0)
            {
                mapping.Warning(WebConfigAttributes.Attribute(add, ignored[0]), setting + "/@" + ignored[0],
                    $"ignored by the provider because connectionString is set, so not imported: {string.Join(", ", ignored)}.");
            }

            if (databaseId != 0 && !connectionString.Contains("defaultDatabase", StringComparison.OrdinalIgnoreCase))
            {
                connectionString += string.Create(CultureInfo.InvariantCulture, $",defaultDatabase={databaseId}");
            }

            mapping.Set(WebConfigKeys.RedisConfiguration, connectionString);
        }
        else
        {
            MapEndpoint(add, setting, reader, databaseId, mapping);
        }

        var applicationName = reader.String("applicationName");
        if (applicationName is not null)
        {
            mapping.Set(WebConfigKeys.ApplicationName, applicationName);
        }
        else
        {
            mapping.Warning(add, setting + "/@applicationName",
                "not set, so the provider prefixes its keys with the application's virtual path: \"/\" for a site-root application (SessionBridge's default), \"/MyApp\" for a virtual directory. " +
                "If the legacy application is not at the site root, set LegacySession:ApplicationName to its virtual path exactly (case-sensitive), or better, set applicationName explicitly in the legacy web.config too.");
        }

        MapKeyLayout(add, setting, type, mapping);
        if (!reader.Bool("throwOnError", true))
        {
            mapping.Warning(WebConfigAttributes.Attribute(add, "throwOnError"), setting + "/@throwOnError",
                "throwOnError=\"false\": when Redis fails, the legacy application silently carries on with an empty session (and may overwrite the stored one); SessionBridge instead answers 503 and never reports a lost write as saved. Not imported (there is no such option).");
        }

        mapping.Warning(null, WebConfigKeys.RedisLockTimeZone,
            "the provider's lock values are tick counts of the legacy servers' local time (DateTime.Now). If SessionBridge runs in another time zone (e.g. a container on UTC next to Windows servers on local time), set LegacySession:Redis:LockTimeZone to the legacy servers' zone (e.g. \"America/New_York\"), or each side sees the other's locks as hours old and steals them.");
    }

    private static void MapEndpoint(XElement add, string setting, Reader reader, int databaseId, WebConfigMapping mapping)
    {
        var host = reader.String("host") ?? "127.0.0.1";
        var port = reader.Int("port", 0);
        var accessKey = reader.String("accessKey");
        var ssl = reader.Bool("ssl", true);
        var connectTimeout = reader.Int("connectionTimeoutInMilliseconds", 0);
        var syncTimeout = reader.Int("operationTimeoutInMilliseconds", 0);

        if (accessKey is not null && accessKey.Contains(',', StringComparison.Ordinal))
        {
            mapping.Warning(WebConfigAttributes.Attribute(add, "accessKey"), setting + "/@accessKey",
                "the access key contains a comma, which a StackExchange.Redis configuration string cannot carry; LegacySession:Redis:Configuration is not imported. Supply the connection in code (RedisSessionStoreOptions.ConnectionMultiplexerFactory).");
            return;
        }

        if (WebConfigAttributes.Attribute(add, "ssl") is null)
        {
            mapping.Warning(add, setting + "/@ssl",
                "not set: the provider's code defaults to ssl=true (its documentation says false), so the import writes ssl=true. If the legacy application really connects without TLS, it sets ssl=\"false\"; check which port it reaches (6380 is TLS on Azure Cache for Redis).");
        }

        var parts = new List<string> { port == 0 ? host : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}") };
        if (accessKey is not null)
        {
            parts.Add("password=" + accessKey);
        }

        parts.Add("ssl=" + WebConfigValues.Invariant(ssl));
        if (connectTimeout != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"connectTimeout={connectTimeout}"));
        }

        if (syncTimeout != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"syncTimeout={syncTimeout}"));
        }

        if (databaseId != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"defaultDatabase={databaseId}"));
        }

        mapping.Set(WebConfigKeys.RedisConfiguration, string.Join(",", parts));
    }

    private static void MapKeyLayout(XElement add, string setting, string type, WebConfigMapping mapping)
    {
        var versionAt = type.IndexOf("Version=", StringComparison.OrdinalIgnoreCase);
        if (versionAt >= 0 && Version.TryParse(type[(versionAt + "Version=".Length)..].Split(',')[0].Trim(), out var version))
        {
            mapping.Set(WebConfigKeys.RedisKeyLayout, version.Major >= 5 ? "V5" : "V2To4");
            if (version.Major < 2)
            {
                mapping.Warning(WebConfigAttributes.Attribute(add, "type"), setting + "/@type",
                    "provider 1.x keys have no {…} hash tags; SessionBridge supports the 2.x–4.x and 5.x layouts only. Upgrade the legacy provider first.");
            }

            return;
        }

        if (WebConfigAttributes.Attribute(add, "redisSerializerType") is { } serializer)
        {
            mapping.Set(WebConfigKeys.RedisKeyLayout, "V2To4");
            mapping.Warning(serializer, setting + "/@redisSerializerType",
                "a custom item serializer (provider 2.2.2–4.x) writes values in its own format, not BinaryFormatter's; SessionBridge cannot read or write such values. The key layout is imported as V2To4.");
            return;
        }

        mapping.Warning(WebConfigAttributes.Attribute(add, "type"), setting + "/@type",
            "the provider's version decides the key layout and the web.config does not say it: SessionBridge assumes 5.x (LegacySession:Redis:KeyLayout=V5, the default). " +
            "If packages.config lists Microsoft.Web.RedisSessionStateProvider 2.x, 3.x or 4.x, set LegacySession:Redis:KeyLayout=V2To4.");
    }

    /// <summary>Reads attributes the way the provider's ProviderConfiguration does.</summary>
    private sealed class Reader(XElement add, string setting, WebConfigSettings settings, WebConfigMapping mapping)
    {
        public string? String(string name)
        {
            var literal = WebConfigAttributes.Value(add, name);
            return string.IsNullOrEmpty(literal) ? null : settings.AppSetting(literal) ?? literal;
        }

        public string? ConnectionString()
        {
            var literal = WebConfigAttributes.Value(add, "connectionString");
            return string.IsNullOrEmpty(literal) ? null : settings.AppSetting(literal) ?? settings.ConnectionString(literal) ?? literal;
        }

        public int Int(string name, int fallback)
        {
            var literal = WebConfigAttributes.Value(add, name);
            if (string.IsNullOrEmpty(literal))
            {
                return fallback;
            }

            if (int.TryParse(literal, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                || int.TryParse(settings.AppSetting(literal), NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            {
                return value;
            }

            mapping.Error(WebConfigAttributes.Attribute(add, name), setting + "/@" + name,
                $"'{literal}' is neither a whole number nor the key of an appSetting holding one; the provider fails to start.");
            return fallback;
        }

        public bool Bool(string name, bool fallback)
        {
            var literal = WebConfigAttributes.Value(add, name);
            if (string.IsNullOrEmpty(literal))
            {
                return fallback;
            }

            if (bool.TryParse(literal, out var value) || bool.TryParse(settings.AppSetting(literal), out value))
            {
                return value;
            }

            mapping.Error(WebConfigAttributes.Attribute(add, name), setting + "/@" + name,
                $"'{literal}' is neither true/false nor the key of an appSetting holding one; the provider fails to start.");
            return fallback;
        }
    }
}
