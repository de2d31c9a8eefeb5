using System.Globalization;

namespace SessionBridge.StateServer;

/// <summary>Turns the command line into <c>StateServer:*</c> configuration keys (so the same settings bind from configuration and environment).</summary>
internal static class CommandLine
{
    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var remote = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                settings["help"] = "true";
                continue;
            }

            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--port":
                    settings["StateServer:Port"] = Number(arg, Value());
                    break;
                case "--allow-remote":
                    settings[$"StateServer:AllowRemote:{remote++}"] = Value();
                    break;
                case "--store":
                    settings["StateServer:Store"] = Value();
                    break;
                case "--redis":
                    settings["StateServer:Redis"] = Value();
                    break;
                case "--mono-key-prefix":
                    settings["StateServer:MonoKeyPrefix"] = Value();
                    break;
                case "--aspnet-version":
                    settings["StateServer:AspNetVersion"] = Value();
                    break;
                case "--max-body-bytes":
                    settings["StateServer:MaxBodyBytes"] = Number(arg, Value());
                    break;
                case "--max-connections":
                    settings["StateServer:MaxConnections"] = Number(arg, Value());
                    break;
                case "--request-timeout":
                    settings["StateServer:RequestTimeout"] = TimeSpan.FromSeconds(int.Parse(Number(arg, Value()), CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
                    break;
                case "--idle-timeout":
                    settings["StateServer:IdleTimeout"] = TimeSpan.FromSeconds(int.Parse(Number(arg, Value()), CultureInfo.InvariantCulture)).ToString("c", CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }

        return settings;
    }

    private static string Number(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? value
            : throw new ArgumentException($"{option} needs a whole number, not '{value}'.");
}
