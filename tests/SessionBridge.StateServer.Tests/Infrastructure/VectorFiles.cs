using System.Text.Json.Nodes;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>
/// Finds the shared vectors: a <c>shared/vectors</c> folder beside the repository (or above the test binaries), or the
/// folder named by <c>SESSIONBRIDGE_VECTORS</c>.
/// </summary>
public static class VectorFiles
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(s_directory.Value, fileName)))!.AsObject();

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("SESSIONBRIDGE_VECTORS");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured)
                ? configured
                : throw new DirectoryNotFoundException($"SESSIONBRIDGE_VECTORS names '{configured}', which does not exist.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (File.Exists(Path.Combine(candidate, "state-server-exchanges.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "The shared test vectors were not found: put the 'shared' folder (with vectors/state-server-exchanges.json) beside the " +
            "repository, or set SESSIONBRIDGE_VECTORS to the vectors folder.");
    }
}
