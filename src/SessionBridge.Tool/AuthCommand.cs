using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Tool;

/// <summary>
/// <c>sessionbridge auth decrypt|encrypt</c>: reads and writes the legacy application's login cookies
/// (FormsAuthentication <c>.ASPXAUTH</c>, OWIN <c>.AspNet.ApplicationCookie</c>) with its machineKey.
/// </summary>
internal static class AuthCommand
{
    public const string Usage = """
          sessionbridge auth decrypt --kind forms|owin MACHINEKEY [--authentication-type T] [--cookie-header] [--] COOKIE
              Prints the ticket as JSON (forms: name, version, issue and expiration as ticks and ISO, isPersistent,
              userData, cookiePath; owin: authenticationType, claims, properties). Exit code 1 with the reason when the
              cookie is rejected. --cookie-header: COOKIE is a whole Cookie header (chunked OWIN cookies are joined). An OWIN
              cookie may start with "--": put -- before it.
          sessionbridge auth encrypt --kind forms|owin MACHINEKEY [--authentication-type T] [--file PATH]
              Reads such a JSON ticket (standard input or --file) and prints the cookie value.
            MACHINEKEY is either --web-config PATH (reads <machineKey>, <httpRuntime targetFramework>, <forms> and the
              aspnet:UseLegacyEncryption <appSettings> switch), or --validation-key HEX --decryption-key HEX
              [--validation ALG] [--decryption ALG] [--compatibility-mode MODE] [--target-framework V]
              [--protection All|Encryption|Validation|None] [--use-legacy-encryption]; names and defaults as web.config's.
              --authentication-type is the OWIN middleware's (default ApplicationCookie).
        """;

    public static int Run(ReadOnlySpan<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr, JsonSerializerOptions json)
    {
        if (args.Length == 0 || args[0] is not ("decrypt" or "encrypt"))
        {
            return Usage2(stderr, "auth needs 'decrypt' or 'encrypt'.");
        }

        var command = args[0];
        string? kind = null, webConfig = null, validationKey = null, decryptionKey = null, validation = null, decryption = null;
        string? mode = null, targetFramework = null, protection = null, file = null, cookie = null;
        var authenticationType = "ApplicationCookie";
        var useLegacyEncryption = false;
        var cookieHeader = false;
        for (var i = 1; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--kind" when hasValue: kind = args[++i]; break;
                case "--web-config" when hasValue: webConfig = args[++i]; break;
                case "--validation-key" when hasValue: validationKey = args[++i]; break;
                case "--decryption-key" when hasValue: decryptionKey = args[++i]; break;
                case "--validation" when hasValue: validation = args[++i]; break;
                case "--decryption" when hasValue: decryption = args[++i]; break;
                case "--compatibility-mode" when hasValue: mode = args[++i]; break;
                case "--target-framework" when hasValue: targetFramework = args[++i]; break;
                case "--protection" when hasValue: protection = args[++i]; break;
                case "--authentication-type" when hasValue: authenticationType = args[++i]; break;
                case "--file" when hasValue: file = args[++i]; break;
                case "--use-legacy-encryption": useLegacyEncryption = true; break;
                case "--cookie-header": cookieHeader = true; break;
                case "--" when command == "decrypt" && i == args.Length - 2: cookie = args[++i]; break;
                default:
                    if (command == "decrypt" && i == args.Length - 1 && !args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        cookie = args[i];
                        break;
                    }

                    return Usage2(stderr, command == "decrypt" && i == args.Length - 1
                        ? $"unknown or incomplete option '{args[i]}' (a cookie that starts with '--' goes after a '--' argument)."
                        : $"unknown or incomplete option '{args[i]}'.");
            }
        }

        if (kind is not ("forms" or "owin"))
        {
            return Usage2(stderr, "--kind must be 'forms' or 'owin'.");
        }

        if (webConfig is not null && (validationKey ?? decryptionKey ?? validation ?? decryption ?? mode ?? targetFramework ?? protection) is not null)
        {
            return Usage2(stderr, "give the machineKey either as --web-config or as --validation-key/--decryption-key/…, not both.");
        }

        if (command == "decrypt" && cookie is null)
        {
            return Usage2(stderr, "decrypt needs the cookie as its last argument.");
        }

        try
        {
            string? formsName = null;
            MachineKeySettings settings;
            if (webConfig is not null)
            {
                var config = LegacyWebConfigReader.Read(webConfig);
                settings = config.ToSettings();
                formsName = config.FormsAttribute("name");
            }
            else
            {
                settings = MachineKeySettings.Create(validationKey, decryptionKey, validation, decryption, mode, targetFramework, useLegacyEncryption, protection);
            }

            if (command == "decrypt")
            {
                if (cookieHeader)
                {
                    var name = kind == "forms" ? formsName ?? ".ASPXAUTH" : ".AspNet." + authenticationType;
                    var pairs = ParseCookieHeader(cookie!);
                    cookie = KatanaChunkedCookie.Join(name, k => pairs.GetValueOrDefault(k))
                        ?? throw new ArgumentException($"the Cookie header has no complete '{name}' cookie.");
                }

                return Decrypt(kind, settings, authenticationType, cookie!, stdout, stderr, json);
            }

            var text = file is null ? stdin.ReadToEnd() : File.ReadAllText(file);
            var node = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("The input must be one JSON object.");
            stdout.WriteLine(kind == "forms"
                ? new FormsCookieProtector(settings).Protect(FormsFromJson(node))
                : new OwinCookieProtector(settings, authenticationType).Protect(OwinFromJson(node)));
            return 0;
        }
        catch (Exception ex) when (ex is MachineKeyConfigurationException or FormatException or JsonException or IOException or System.Xml.XmlException
            or UnauthorizedAccessException or ArgumentException or InvalidOperationException or OverflowException)
        {
            stderr.WriteLine("sessionbridge: " + ex.Message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    internal static JsonObject FormsToJson(FormsTicket ticket, DateTimeOffset now) => new()
    {
        ["kind"] = "forms",
        ["name"] = ticket.Name,
        ["version"] = ticket.Version,
        ["issueDateUtcTicks"] = ticket.IssueDateUtcTicks.ToString(CultureInfo.InvariantCulture),
        ["issueDateUtc"] = ticket.IssueDateUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["expirationUtcTicks"] = ticket.ExpirationUtcTicks.ToString(CultureInfo.InvariantCulture),
        ["expirationUtc"] = ticket.ExpirationUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["isPersistent"] = ticket.IsPersistent,
        ["userData"] = ticket.UserData,
        ["cookiePath"] = ticket.CookiePath,
        ["expired"] = ticket.IsExpired(now),
    };

    internal static FormsTicket FormsFromJson(JsonObject node)
    {
        var now = DateTimeOffset.UtcNow;
        var issue = Ticks(node, "issueDateUtcTicks", "issueDateUtc") ?? now.UtcTicks;
        var expiration = Ticks(node, "expirationUtcTicks", "expirationUtc") ?? issue + TimeSpan.FromMinutes(30).Ticks;
        var version = (int?)node["version"] ?? 2;
        return new FormsTicket(version is >= 0 and <= 255 ? (byte)version : throw new ArgumentException("version must be 0 to 255."),
            (string?)node["name"] ?? throw new ArgumentException("The ticket needs a 'name'."), issue, expiration,
            (bool?)node["isPersistent"] ?? false, (string?)node["userData"] ?? "", (string?)node["cookiePath"] ?? "/");
    }

    internal static JsonObject OwinToJson(OwinTicket ticket, DateTimeOffset now)
    {
        var identity = ticket.Identity;
        return new JsonObject
        {
            ["kind"] = "owin",
            ["authenticationType"] = identity.AuthenticationType,
            ["nameClaimType"] = identity.NameClaimType,
            ["roleClaimType"] = identity.RoleClaimType,
            ["name"] = identity.Name,
            ["bootstrapContext"] = identity.BootstrapContext as string,
            ["claims"] = new JsonArray([.. identity.Claims.Select(c => (JsonNode)new JsonObject
            {
                ["type"] = c.Type,
                ["value"] = c.Value,
                ["valueType"] = c.ValueType,
                ["issuer"] = c.Issuer,
                ["originalIssuer"] = c.OriginalIssuer,
            })]),
            ["properties"] = new JsonArray([.. ticket.Properties.Select(p => (JsonNode)new JsonArray(p.Key, p.Value))]),
            ["issuedUtc"] = ticket.IssuedUtc?.ToString("O", CultureInfo.InvariantCulture),
            ["expiresUtc"] = ticket.ExpiresUtc?.ToString("O", CultureInfo.InvariantCulture),
            ["isPersistent"] = ticket.IsPersistent,
            ["expired"] = ticket.ExpiresUtc < now,
        };
    }

    internal static OwinTicket OwinFromJson(JsonObject node)
    {
        var identity = new ClaimsIdentity((string?)node["authenticationType"] ?? throw new ArgumentException("The ticket needs an 'authenticationType'."),
            (string?)node["nameClaimType"] ?? ClaimsIdentity.DefaultNameClaimType, (string?)node["roleClaimType"] ?? ClaimsIdentity.DefaultRoleClaimType);
        foreach (var claim in node["claims"]?.AsArray().Select(c => c!.AsObject()) ?? [])
        {
            var issuer = (string?)claim["issuer"] ?? ClaimsIdentity.DefaultIssuer;
            identity.AddClaim(new Claim((string?)claim["type"] ?? throw new ArgumentException("Every claim needs a 'type'."), (string?)claim["value"] ?? "",
                (string?)claim["valueType"] ?? ClaimValueTypes.String, issuer, (string?)claim["originalIssuer"] ?? issuer));
        }

        identity.BootstrapContext = (string?)node["bootstrapContext"];
        var properties = node["properties"]?.AsArray().Select(p => new KeyValuePair<string, string?>((string)p![0]!, (string?)p[1])).ToList() ?? [];
        return new OwinTicket(identity, properties);
    }

    private static int Decrypt(string kind, MachineKeySettings settings, string authenticationType, string cookie, TextWriter stdout, TextWriter stderr, JsonSerializerOptions json)
    {
        string? reason;
        JsonObject? output;
        if (kind == "forms")
        {
            var ticket = new FormsCookieProtector(settings).Unprotect(cookie, out reason);
            output = ticket is null ? null : FormsToJson(ticket, DateTimeOffset.UtcNow);
        }
        else
        {
            var ticket = new OwinCookieProtector(settings, authenticationType).Unprotect(cookie, out reason);
            output = ticket is null ? null : OwinToJson(ticket, DateTimeOffset.UtcNow);
        }

        if (output is null)
        {
            stderr.WriteLine($"sessionbridge: the cookie was rejected: {reason} ({settings}).");
            return 1;
        }

        stdout.WriteLine(output.ToJsonString(json));
        return 0;
    }

    private static long? Ticks(JsonObject node, string ticksName, string isoName)
    {
        if (node[ticksName] is { } ticks)
        {
            return ticks.GetValueKind() == JsonValueKind.String ? long.Parse((string)ticks!, CultureInfo.InvariantCulture) : (long)ticks;
        }

        return node[isoName] is { } iso ? DateTimeOffset.Parse((string)iso!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks : null;
    }

    private static Dictionary<string, string> ParseCookieHeader(string header)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                result[part[..at]] = Uri.UnescapeDataString(part[(at + 1)..]);
            }
        }

        return result;
    }

    private static int Usage2(TextWriter stderr, string message)
    {
        stderr.WriteLine("sessionbridge: " + message + " Run 'sessionbridge --help' for usage.");
        return 2;
    }
}
