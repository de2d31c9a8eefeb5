
namespace SessionBridge.StateServer.Client;

/// <summary>One [MS-ASP] response (../spec/state-server-protocol.md §3.5). Optional headers are sent when set.</summary>
internal sealed class StateServerResponse
{
    public required int Status { get; init; }

    /// <summary><c>Timeout</c> (minutes), on a 200 answer to a GET.</summary>
    public int? Timeout { get; init; }

    /// <summary><c>LockCookie</c>, on a 200 answer to an acquire and on every 423.</summary>
    public int? LockCookie { get; init; }

    /// <summary><c>LockAge</c> (whole seconds), on 423.</summary>
    public long? LockAge { get; init; }

    /// <summary><c>LockDate</c> (.NET ticks of the server's local time), on 423.</summary>
    public long? LockDate { get; init; }

    /// <summary><c>ActionFlags: 1</c>, on the first read of an uninitialized item.</summary>
    public bool ActionFlags { get; init; }

    /// <summary>The session blob of a 200 answer to a GET (or the short text of a 400).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>On a 400: why (sent as a short text body, which clients ignore).</summary>
    public string? Message { get; init; }

    /// <summary>A response parsed by a client: the <c>X-AspNet-Version</c> value, if any.</summary>
    public string? AspNetVersion { get; init; }

    /// <summary>A response parsed by a client: every header line in order, when the parser was asked to keep them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }

    public static StateServerResponse Ok { get; } = new() { Status = 200 };

    public static StateServerResponse NotFound { get; } = new() { Status = 404 };

    public static StateServerResponse BadRequest(string message) => new() { Status = 400, Message = message };

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        423 => "Locked",
        _ => "Unknown",
    };
}
