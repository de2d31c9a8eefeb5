using System.Text.Json.Nodes;

namespace SessionBridge.Legacy.Values.Tests;

/// <summary>
/// Finds the shared test vectors: a <c>shared/vectors</c> folder beside the repository (or any folder above the
/// test binaries), or the folder named by the <c>SESSIONBRIDGE_VECTORS</c> environment variable.
/// </summary>
public static class VectorFiles
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static string Directory => s_directory.Value;

    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, fileName)))!.AsObject();

    public static IEnumerable<JsonObject> Vectors(string fileName, string arrayName = "vectors") =>
        Load(fileName)[arrayName]!.AsArray().Select(v => v!.AsObject());

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("SESSIONBRIDGE_VECTORS");
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Directory.Exists(configured)
                ? configured
                : throw new DirectoryNotFoundException($"SESSIONBRIDGE_VECTORS names '{configured}', which does not exist.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors");
            if (File.Exists(Path.Combine(candidate, "session-blobs.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "The shared test vectors were not found: put the 'shared' folder (with vectors/session-blobs.json) beside the " +
            "repository, or set SESSIONBRIDGE_VECTORS to the vectors folder.");
    }
}
