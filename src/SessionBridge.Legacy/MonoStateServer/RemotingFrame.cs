
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>One [MS-NRTP] TCP message: its operation, the headers the state server protocol uses, and the body.</summary>
internal sealed class RemotingFrame
{
    public required RemotingOperation Operation { get; init; }

    /// <summary>The <c>RequestUri</c> header (requests), e.g. <c>tcp://host:42424/StateServer</c>.</summary>
    public string? RequestUri { get; init; }

    /// <summary>The <c>ContentType</c> header, <c>application/octet-stream</c> for the binary formatter.</summary>
    public string? ContentType { get; init; }

    /// <summary>A <c>StatusCode</c> header (replies), when present.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The [MS-NRBF] message.</summary>
    public required byte[] Body { get; init; }
}
