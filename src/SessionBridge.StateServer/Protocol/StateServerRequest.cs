using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>One parsed [MS-ASP] request (../spec/state-server-protocol.md §3.5).</summary>
internal sealed class StateServerRequest
{
    public required StateServerVerb Verb { get; init; }

    /// <summary>The verb exactly as sent.</summary>
    public required string Method { get; init; }

    /// <summary>The request target exactly as sent (e.g. <c>%2fLM%2fW3SVC%2f1%2fROOT%2fMyApp(…)%2fsessionid</c>).</summary>
    public required string Target { get; init; }

    /// <summary>Whether the request line said <c>HTTP/1.0</c>.</summary>
    public bool IsHttp10 { get; init; }

    public StateServerExclusive Exclusive { get; init; }

    public NumericHeader LockCookie { get; init; }

    public NumericHeader Timeout { get; init; }

    public NumericHeader ExtraFlags { get; init; }

    /// <summary>The <c>Content-Length</c> of a PUT, or -1 when a PUT had none. Other verbs never carry a body (§7.6 of the summary).</summary>
    public int ContentLength { get; init; } = -1;

    public byte[] Body { get; init; } = [];

    /// <summary>Every header line in order, only when the parser was asked to keep them (tests, diagnostics).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>The server-side key: the target URL-decoded as System.Web's <c>HttpUtility.UrlDecode</c> does, with one leading '/'.</summary>
    public string Key => _key ??= StateServerKeys.KeyFromTarget(Target);

    private string? _key;
}
