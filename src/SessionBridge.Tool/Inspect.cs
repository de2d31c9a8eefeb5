using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis;
using StackExchange.Redis;

namespace SessionBridge.Tool;

/// <summary>
/// <c>sessionbridge inspect</c>: prints one session as a Redis store (Microsoft.Web.RedisSessionStateProvider layout)
/// holds it — lock state, timeout, TTLs and the items as <c>decode</c> prints them. It only reads (GET, HGETALL, PTTL,
/// EXISTS): it takes no lock and slides no expiry.
/// </summary>
internal static class Inspect
{
    public const string Usage = """
          sessionbridge inspect --redis CONFIGURATION [--app NAME] [--layout v5|v2-4] SESSION_ID
              Prints a session stored in Redis by Microsoft.Web.RedisSessionStateProvider or SessionBridge as JSON:
              its keys, lock (value, age, TTL), timeout, expiries and items (as decode prints them). Reads only:
              takes no lock and slides no expiry. --app is the provider's applicationName (default "/"),
              --layout the provider's key layout (v5 = 5.x, the default; v2-4 = 2.x–4.x).
              Exit code 3 when the session does not exist.
        """;

    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr, JsonSerializerOptions json)
    {
        string? configuration = null;
        var applicationName = "/";
        var layout = RedisKeyLayout.V5;
        string? sessionId = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--redis" when i + 1 < args.Length:
                    configuration = args[++i];
                    break;
                case "--app" when i + 1 < args.Length:
                    applicationName = args[++i];
                    break;
                case "--layout" when i + 1 < args.Length:
                    layout = args[++i].ToLowerInvariant() switch
                    {
                        "v5" => RedisKeyLayout.V5,
                        "v2-4" or "v2to4" or "v2" or "v3" or "v4" => RedisKeyLayout.V2To4,
                        var other => (RedisKeyLayout)(-1),
                    };
                    if (!Enum.IsDefined(layout))
                    {
                        return UsageError(stderr, $"--layout must be 'v5' or 'v2-4', not '{args[i]}'.");
                    }

                    break;
                default:
                    if (args[i].StartsWith('-') || sessionId is not null)
                    {
                        return UsageError(stderr, $"unknown or incomplete option '{args[i]}'.");
                    }

                    sessionId = args[i];
                    break;
            }
        }

        if (configuration is null)
        {
            return UsageError(stderr, "inspect needs --redis with a StackExchange.Redis configuration, e.g. --redis localhost:6379.");
        }

        if (sessionId is null)
        {
            return UsageError(stderr, "inspect needs a session ID (the ASP.NET_SessionId cookie's value).");
        }

        if (!SessionId.TryNormalize(sessionId, out var id))
        {
            stderr.WriteLine("sessionbridge: the session ID is not a System.Web session ID (24 characters a-z and 0-5).");
            return 1;
        }

        if (string.IsNullOrEmpty(applicationName))
        {
            return UsageError(stderr, "--app cannot be empty (the provider's default is \"/\").");
        }

        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            using var connection = ConnectionMultiplexer.Connect(options);
            var (report, found) = Read(connection.GetDatabase(), applicationName, id, layout);
            stdout.WriteLine(report.ToJsonString(json));
            return found ? 0 : 3;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ArgumentException or LegacySessionFormatException)
        {
            stderr.WriteLine("sessionbridge: " + ex.Message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    internal static (JsonObject Report, bool Found) Read(IDatabase db, string applicationName, string sessionId, RedisKeyLayout layout)
    {
        var keys = RedisSessionKeys.Create(applicationName, sessionId, layout);
        var v5 = layout == RedisKeyLayout.V5;
        var lockValue = (string?)db.StringGet(keys.Lock);
        var lockTtl = lockValue is null ? null : db.KeyTimeToLive(keys.Lock);
        var dataTtl = db.KeyTimeToLive(keys.Data);
        var timeoutTtl = db.KeyTimeToLive(keys.Timeout);
        var timeoutValue = v5 ? (string?)db.StringGet(keys.Timeout) : (string?)db.HashGet(keys.Timeout, "SessionTimeout");
        var otherLayoutExists = db.KeyExists(keys.OtherLayoutData);

        SessionStateItemCollection? items = null;
        if (v5)
        {
            var blob = (byte[]?)db.StringGet(keys.Data);
            if (blob is not null)
            {
                items = SessionStateSerializer.DeserializeItems(blob);
            }
        }
        else if (db.KeyExists(keys.Data) || timeoutValue is not null)
        {
            var fields = db.HashGetAll(keys.Data);
            items = new SessionStateItemCollection();
            foreach (var field in fields)
            {
                items[(string?)field.Name ?? string.Empty] = RedisHashItemCodec.Decode((byte[]?)field.Value ?? []);
            }
        }

        var report = new JsonObject
        {
            ["store"] = "redis",
            ["layout"] = v5 ? "v5" : "v2-4",
            ["applicationName"] = applicationName,
            ["sessionId"] = sessionId,
            ["keys"] = new JsonObject
            {
                ["data"] = (string?)keys.Data,
                ["lock"] = (string?)keys.Lock,
                ["timeout"] = (string?)keys.Timeout,
            },
            ["found"] = items is not null,
            ["timeoutSeconds"] = int.TryParse(timeoutValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : null,
            ["ttlSeconds"] = new JsonObject
            {
                ["data"] = Seconds(dataTtl),
                ["timeout"] = Seconds(timeoutTtl),
            },
            ["lock"] = lockValue is null ? null : LockToJson(lockValue, lockTtl),
            ["actions"] = items?.ContainsKey(RedisUninitializedItem.ActionsKey) == true ? "InitializeItem" : "None",
            ["otherLayoutKeysExist"] = otherLayoutExists,
            ["session"] = items is null ? null : SessionJson.ToJson(items),
        };
        return (report, items is not null);
    }

    private static JsonObject LockToJson(string value, TimeSpan? ttl)
    {
        var age = LegacyLockValue.Age(value, TimeProvider.System);
        var parsable = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks;
        return new JsonObject
        {
            ["value"] = value,
            ["lockedAtLocalTime"] = parsable ? new DateTime(ticks).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) : null,
            ["ageSeconds"] = parsable ? Math.Round(age.TotalSeconds, 3) : null,
            ["note"] = parsable ? null : "not a tick count: the legacy module treats it as ancient and steals it at once",
            ["ttlSeconds"] = Seconds(ttl),
        };
    }

    private static double? Seconds(TimeSpan? ttl) => ttl is { } t ? Math.Round(t.TotalSeconds, 3) : null;

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine("sessionbridge: " + message + " Run 'sessionbridge --help' for usage.");
        return 2;
    }
}
