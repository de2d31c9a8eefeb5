using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>The session-blob vectors the Redis store tests use, from the shared vectors (see <see cref="VectorFiles"/>).</summary>
public static class Vectors
{
    public static IEnumerable<JsonObject> SessionBlobs() => VectorFiles.Vectors("session-blobs.json");

    public static JsonObject Blob(string name) => SessionBlobs().Single(v => (string?)v["name"] == name);

    public static IEnumerable<string> ItemCollectionVectorNames() =>
        SessionBlobs().Where(v => (string?)v["container"] == "itemCollection").Select(v => (string)v["name"]!);
}
