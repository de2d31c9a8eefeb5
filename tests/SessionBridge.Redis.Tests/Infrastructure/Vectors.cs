using System.Text.Json.Nodes;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>
/// The shared test vectors: a <c>shared/vectors</c> folder beside the repository (or any folder above the test
/// binaries), or the folder named by <c>SESSIONBRIDGE_VECTORS</c>.
/// </summary>
public static class Vectors
{
    private static readonly Lazy<string> s_directory = new(Locate);

    public static IEnumerable<JsonObject> SessionBlobs() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(s_directory.Value, "session-blobs.json")))!["vectors"]!.AsArray().Select(v => v!.AsObject());

    public static JsonObject Blob(string name) => SessionBlobs().Single(v => (string?)v["name"] == name);

    public static IEnumerable<string> ItemCollectionVectorNames() =>
        SessionBlobs().Where(v => (string?)v["container"] == "itemCollection").Select(v => (string)v["name"]!);

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("SESSIONBRIDGE_VECTORS");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : throw new DirectoryNotFoundException($"SESSIONBRIDGE_VECTORS names '{configured}', which does not exist.");
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
            "The shared test vectors were not found: put the 'shared' folder (with vectors/session-blobs.json) beside the repository, or set SESSIONBRIDGE_VECTORS.");
    }
}
