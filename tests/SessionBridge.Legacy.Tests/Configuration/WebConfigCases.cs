using System.Text.Json.Nodes;

namespace SessionBridge.Legacy.Tests.Configuration;

/// <summary>
/// The table of legacy web.config files (<c>Configuration/WebConfigs/NAME.config</c>) and what importing each must give
/// (<c>NAME.expected.json</c>: <c>platform</c>, the exact <c>values</c>, the <c>warnings</c> and <c>errors</c> as setting +
/// message fragment, and <c>secrets</c> that no message may contain). Linked as source by the tool and middleware tests.
/// </summary>
public static class WebConfigCases
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static string Directory => s_directory.Value;

    public static IEnumerable<string> Names => System.IO.Directory.EnumerateFiles(Directory, "*.expected.json")
        .Select(f => Path.GetFileName(f)[..^".expected.json".Length])
        .Order(StringComparer.Ordinal);

    public static string PathOf(string name) => Path.Combine(Directory, name + ".config");

    public static JsonObject Expected(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, name + ".expected.json")))!.AsObject();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
            {
                Path.Combine(dir.FullName, "Configuration", "WebConfigs"),
                Path.Combine(dir.FullName, "tests", "SessionBridge.Legacy.Tests", "Configuration", "WebConfigs"),
            })
            {
                if (File.Exists(Path.Combine(candidate, "stateserver.config")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            "The web.config test table (tests/SessionBridge.Legacy.Tests/Configuration/WebConfigs) was not found above " + AppContext.BaseDirectory + ".");
    }
}
