using System.Text.Json.Nodes;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>One exchange of state-server-exchanges.json.</summary>
public sealed record Exchange(
    string Id,
    string Title,
    int Connection,
    string Head,
    byte[] Body,
    int? ExpectedStatus,
    IReadOnlyList<string> ExpectedHeaders,
    string Note)
{
    public const string RecordedHost = "127.0.0.1:42425";

    public static IReadOnlyList<Exchange> LoadAll()
    {
        var root = VectorFiles.Load("state-server-exchanges.json");
        return root["exchanges"]!.AsArray().Select(node =>
        {
            var e = node!.AsObject();
            var request = e["request"]!.AsObject();
            var expected = e["microsoft_expected"]!.AsObject();
            var bodyHex = request["body_hex"]?.GetValue<string>();
            return new Exchange(
                e["id"]!.GetValue<string>(),
                e["title"]!.GetValue<string>(),
                e["connection"]!.GetValue<int>(),
                request["head"]!.GetValue<string>(),
                bodyHex is null ? [] : Convert.FromHexString(bodyHex),
                expected["status"] is JsonValue status ? status.GetValue<int>() : null,
                expected["headers"]!.AsArray().Select(h => h!.GetValue<string>()).ToList(),
                expected["note"]?.GetValue<string>() ?? string.Empty);
        }).ToList();
    }

    public byte[] RequestBytes(string? host = null, Func<string, string>? rewriteHead = null)
    {
        var head = host is null ? Head : Head.Replace(RecordedHost, host, StringComparison.Ordinal);
        if (rewriteHead is not null)
        {
            head = rewriteHead(head);
        }

        return [.. System.Text.Encoding.ASCII.GetBytes(head), .. Body];
    }
}
