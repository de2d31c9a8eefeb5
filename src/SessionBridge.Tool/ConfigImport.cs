using System.Text.Json;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Tool;

/// <summary>
/// <c>sessionbridge config import</c>: prints the appsettings JSON equivalent to a legacy web.config on standard output
/// and every warning and error on standard error, for a team to review. Errors (settings that cannot be shared as they
/// are) are reported but do not change the exit code: only an unreadable or malformed file does.
/// </summary>
internal static class ConfigImport
{
    public const string Usage = """
          sessionbridge config import WEB_CONFIG [--platform SystemWeb|Mono]
              Prints the SessionBridge appsettings JSON equivalent to a legacy web.config (sessionState and the Redis
              provider, machineKey, httpRuntime, httpCookies, forms authentication, appSettings switches) on standard
              output, and one line per warning and error on standard error. --platform Mono when the legacy
              application runs on Mono (its StateServer mode is Mono's state server). Exit code 0 even when the
              web.config has errors; 1 when it cannot be read or is not well-formed XML.
        """;

    // Configuration keys whose values are (or may hold) secrets: the JSON is printed in full, so the team is told which.
    private static readonly string[] s_secretKeys =
    [
        "LegacyAuthentication:MachineKey:ValidationKey", "LegacyAuthentication:MachineKey:DecryptionKey",
        "LegacySession:Redis:Configuration", "LegacySession:SqlServer:ConnectionString",
    ];

    public static int Run(ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr, JsonSerializerOptions json)
    {
        if (args.Length == 0 || args[0] != "import")
        {
            return UsageError(stderr, args.Length == 0 ? "config needs a subcommand: import." : $"unknown config subcommand '{args[0]}'.");
        }

        string? path = null;
        var platform = LegacyPlatform.SystemWeb;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--platform" when i + 1 < args.Length:
                    if (!Enum.TryParse(args[++i], ignoreCase: true, out platform) || !Enum.IsDefined(platform))
                    {
                        return UsageError(stderr, $"--platform must be SystemWeb or Mono, not '{args[i]}'.");
                    }

                    break;
                default:
                    if (args[i].StartsWith('-') || path is not null)
                    {
                        return UsageError(stderr, $"unknown or incomplete option '{args[i]}'.");
                    }

                    path = args[i];
                    break;
            }
        }

        if (path is null)
        {
            return UsageError(stderr, "config import needs the path of the legacy web.config.");
        }

        WebConfigImportResult result;
        try
        {
            result = WebConfigImporter.Import(path, new WebConfigImportOptions { Platform = platform });
        }
        catch (WebConfigImportException ex)
        {
            stderr.WriteLine("sessionbridge: " + ex.Message.ReplaceLineEndings(" "));
            return 1;
        }

        stdout.WriteLine(ToJson(result.Values).ToJsonString(json));
        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine("sessionbridge: warning: " + warning.ToString().ReplaceLineEndings(" "));
        }

        foreach (var error in result.Errors)
        {
            stderr.WriteLine("sessionbridge: error: " + error.ToString().ReplaceLineEndings(" "));
        }

        var secrets = s_secretKeys.Where(k => result.Values.TryGetValue(k, out var v) && IsSecret(k, v)).ToArray();
        if (secrets.Length > 0)
        {
            stderr.WriteLine("sessionbridge: note: the JSON holds secrets (" + string.Join(", ", secrets) +
                "): keep them out of source control (user secrets, environment variables or a vault), not in appsettings.json.");
        }

        stderr.WriteLine($"sessionbridge: {result.Values.Count} settings, {result.Warnings.Count} warnings, {result.Errors.Count} errors from {result.File}.");
        return 0;
    }

    /// <summary>Nests <c>A:B:C</c> keys into JSON objects, the shape of appsettings.json.</summary>
    internal static JsonObject ToJson(IReadOnlyDictionary<string, string> values)
    {
        var root = new JsonObject();
        foreach (var (key, value) in values)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = [];
                    node[part] = child;
                }

                node = child;
            }

            node[parts[^1]] = value;
        }

        return root;
    }

    private static bool IsSecret(string key, string value) => key.StartsWith("LegacyAuthentication:", StringComparison.Ordinal)
        || value.Contains("password=", StringComparison.OrdinalIgnoreCase) || value.Contains("pwd=", StringComparison.OrdinalIgnoreCase);

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine("sessionbridge: " + message + " Run 'sessionbridge --help' for usage.");
        return 2;
    }
}
