using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Tool;

/// <summary>The <c>sessionbridge</c> command line: <c>decode</c>, <c>encode</c>, <c>inspect</c>, <c>config import</c> and <c>auth</c>.</summary>
internal static class Cli
{
    private const int MaxInputBytes = 256 * 1024 * 1024;
    private const string MicrosoftDialect = "microsoft";
    private const string MonoDialect = "mono";

    private const string Usage = """
        sessionbridge: read and write legacy ASP.NET (System.Web) session blobs.

        Usage:
          sessionbridge decode [--file PATH] [--container sessionState|itemCollection] [--compressed] [--dialect microsoft|mono]
              Reads a blob (hex on standard input, or raw bytes from --file) and prints it as one JSON object
              in the schema of the SessionBridge test vectors.
          sessionbridge encode [--file PATH] [--compressed] [--dialect microsoft|mono]
              Reads such a JSON object (standard input or --file) and prints the blob as hex.
              --compressed overrides the object's "compressed" field.
          --dialect mono reads and writes Mono's System.Web format: the item collection (Mono's state server
              CollectionData, the Redis provider v5's _SessionStateItemCollection on Mono), GZip with --compressed.
              Encode takes the dialect from the object's "dialect" field when --dialect is not given.
        """ + "\n" + Inspect.Usage + "\n" + ConfigImport.Usage + "\n" + AuthCommand.Usage + "\n" + """

        Exit codes: 0 success, 1 invalid input, 2 invalid usage.
        """;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "inspect")
        {
            return Inspect.Run(args.AsSpan(1), stdout, stderr, s_json);
        }

        if (args[0] == "config")
        {
            return ConfigImport.Run(args.AsSpan(1), stdout, stderr, s_json);
        }

        if (args[0] == "auth")
        {
            return AuthCommand.Run(args.AsSpan(1), stdin, stdout, stderr, s_json);
        }

        string? file = null;
        string? container = null;
        string? dialect = null;
        var compressed = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--file" when i + 1 < args.Length:
                    file = args[++i];
                    break;
                case "--container" when i + 1 < args.Length:
                    container = args[++i];
                    break;
                case "--compressed":
                    compressed = true;
                    break;
                case "--dialect" when i + 1 < args.Length:
                    dialect = args[++i];
                    if (dialect is not (MicrosoftDialect or MonoDialect))
                    {
                        return UsageError(stderr, $"--dialect must be '{MicrosoftDialect}' or '{MonoDialect}', not '{dialect}'.");
                    }

                    break;
                default:
                    return UsageError(stderr, $"unknown or incomplete option '{args[i]}'.");
            }
        }

        try
        {
            switch (args[0])
            {
                case "decode":
                    if (container is not (null or SessionJson.SessionStateContainer or SessionJson.ItemCollectionContainer))
                    {
                        return UsageError(stderr, $"--container must be '{SessionJson.SessionStateContainer}' or '{SessionJson.ItemCollectionContainer}', not '{container}'.");
                    }

                    if (dialect == MonoDialect)
                    {
                        if (container is not (null or SessionJson.ItemCollectionContainer))
                        {
                            return UsageError(stderr, $"Mono's format has the {SessionJson.ItemCollectionContainer} container only.");
                        }

                        stdout.WriteLine(DecodeMono(ReadBlob(file, stdin), compressed).ToJsonString(s_json));
                        return 0;
                    }

                    stdout.WriteLine(Decode(ReadBlob(file, stdin), container ?? SessionJson.SessionStateContainer, compressed).ToJsonString(s_json));
                    return 0;
                case "encode":
                    if (container is not null)
                    {
                        return UsageError(stderr, "encode takes the container from the JSON object's 'container' field.");
                    }

                    stdout.WriteLine(Convert.ToHexString(Encode(ReadText(file, stdin), compressed, dialect)));
                    return 0;
                default:
                    return UsageError(stderr, $"unknown command '{args[0]}'.");
            }
        }
        catch (Exception ex) when (ex is LegacySessionFormatException or FormatException or JsonException or IOException
            or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine("sessionbridge: " + OneLine(ex.Message));
            return 1;
        }
    }

    internal static JsonObject Decode(byte[] blob, string container, bool compressed)
    {
        if (container == SessionJson.ItemCollectionContainer)
        {
            if (compressed)
            {
                throw new ArgumentException("--compressed applies to the sessionState container only.");
            }

            return SessionJson.ToJson(SessionStateSerializer.DeserializeItems(blob));
        }

        return SessionJson.ToJson(SessionStateSerializer.Deserialize(blob, compressed), compressed);
    }

    /// <summary>Decodes Mono's item collection; the JSON says <c>"dialect": "mono"</c>.</summary>
    internal static JsonObject DecodeMono(byte[] collectionData, bool compressed)
    {
        var json = SessionJson.ToJson(MonoSessionStateSerializer.Deserialize(collectionData, compressed));
        json["compressed"] = compressed;
        json["dialect"] = MonoDialect;
        return json;
    }

    internal static byte[] Encode(string json, bool forceCompressed, string? dialect = null)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("The input must be one JSON object.");
        dialect ??= (string?)node["dialect"] ?? MicrosoftDialect;
        if (dialect is not (MicrosoftDialect or MonoDialect))
        {
            throw new FormatException($"The object's dialect '{dialect}' is not '{MicrosoftDialect}' or '{MonoDialect}'.");
        }

        var (data, items, compressed) = SessionJson.FromJson(node);
        if (dialect == MonoDialect)
        {
            if (data is { StaticObjects: not null })
            {
                throw new FormatException("Mono's item collection has no static objects; remove 'staticObjects' to encode in Mono's format.");
            }

            return MonoSessionStateSerializer.Serialize(data?.Items ?? items, compressed || forceCompressed);
        }

        return data is null
            ? SessionStateSerializer.SerializeItems(items)
            : SessionStateSerializer.Serialize(data, compressed || forceCompressed);
    }

    private static byte[] ReadBlob(string? file, TextReader stdin)
    {
        if (file is not null)
        {
            var info = new FileInfo(file);
            return info.Exists && info.Length > MaxInputBytes
                ? throw new IOException($"'{file}' is larger than {MaxInputBytes} bytes.")
                : File.ReadAllBytes(file);
        }

        var text = ReadBounded(stdin);
        var hex = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                _ = hex.Append(c);
            }
        }

        if (hex.Length >= 2 && hex[0] == '0' && hex[1] is 'x' or 'X')
        {
            _ = hex.Remove(0, 2);
        }

        try
        {
            return Convert.FromHexString(hex.ToString());
        }
        catch (FormatException)
        {
            throw new FormatException("standard input is not a hex string (use --file for raw bytes).");
        }
    }

    private static string ReadText(string? file, TextReader stdin) => file is null ? ReadBounded(stdin) : File.ReadAllText(file);

    private static string ReadBounded(TextReader reader)
    {
        var builder = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (builder.Length + read > MaxInputBytes)
            {
                throw new IOException($"standard input is larger than {MaxInputBytes} characters.");
            }

            _ = builder.Append(buffer, 0, read);
        }

        return builder.ToString();
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine("sessionbridge: " + message + " Run 'sessionbridge --help' for usage.");
        return 2;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
