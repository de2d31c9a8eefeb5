namespace SessionBridge.Legacy.Configuration;

/// <summary>The SessionBridge configuration keys a web.config import writes.</summary>
internal static class WebConfigKeys
{
    public const string CookieName = "LegacySession:CookieName";
    public const string Timeout = "LegacySession:Timeout";
    public const string ExecutionTimeout = "LegacySession:ExecutionTimeout";
    public const string RequestQueueLimit = "LegacySession:RequestQueueLimit";
    public const string CookieSecure = "LegacySession:CookieSecure";
    public const string CookieDomain = "LegacySession:CookieDomain";
    public const string CookieSameSite = "LegacySession:CookieSameSite";
    public const string Store = "LegacySession:Store";
    public const string LegacyPlatform = "LegacySession:LegacyPlatform";
    public const string CompressionEnabled = "LegacySession:CompressionEnabled";
    public const string ApplicationName = "LegacySession:ApplicationName";

    public const string StateServerConnectionString = "LegacySession:StateServer:ConnectionString";
    public const string StateServerNetworkTimeout = "LegacySession:StateServer:NetworkTimeout";
    public const string StateServerApplicationId = "LegacySession:StateServer:ApplicationId";
    public const string StateServerKeyScheme = "LegacySession:StateServer:KeyScheme";

    public const string RedisConfiguration = "LegacySession:Redis:Configuration";
    public const string RedisKeyLayout = "LegacySession:Redis:KeyLayout";
    public const string RedisLockTimeZone = "LegacySession:Redis:LockTimeZone";

    public const string SqlServerConnectionString = "LegacySession:SqlServer:ConnectionString";
    public const string SqlServerApplicationId = "LegacySession:SqlServer:ApplicationId";

    public const string MonoStateServerConnectionString = "LegacySession:MonoStateServer:ConnectionString";

    public const string ValidationKey = "LegacyAuthentication:MachineKey:ValidationKey";
    public const string DecryptionKey = "LegacyAuthentication:MachineKey:DecryptionKey";
    public const string Validation = "LegacyAuthentication:MachineKey:Validation";
    public const string Decryption = "LegacyAuthentication:MachineKey:Decryption";
    public const string CompatibilityMode = "LegacyAuthentication:MachineKey:CompatibilityMode";
    public const string UseLegacyEncryption = "LegacyAuthentication:MachineKey:UseLegacyEncryption";

    public const string FormsName = "LegacyAuthentication:Forms:Name";
    public const string FormsLoginUrl = "LegacyAuthentication:Forms:LoginUrl";
    public const string FormsTimeout = "LegacyAuthentication:Forms:Timeout";
    public const string FormsSlidingExpiration = "LegacyAuthentication:Forms:SlidingExpiration";
    public const string FormsPath = "LegacyAuthentication:Forms:Path";
    public const string FormsDomain = "LegacyAuthentication:Forms:Domain";
    public const string FormsRequireSsl = "LegacyAuthentication:Forms:RequireSsl";
    public const string FormsProtection = "LegacyAuthentication:Forms:Protection";
}
