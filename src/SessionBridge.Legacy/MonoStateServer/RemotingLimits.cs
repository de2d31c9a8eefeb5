
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// Bounds on what a .NET Remoting peer may make us read: every length in a frame or a method message is checked
/// against these before anything is allocated.
/// </summary>
internal sealed class RemotingLimits
{
    /// <summary>16 MiB, as the [MS-ASP] server's body limit.</summary>
    public const int DefaultMaxMessageBytes = 16 * 1024 * 1024;

    public static RemotingLimits Default { get; } = new();

    /// <summary>The largest message body (the frame's content length).</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>The most frame headers.</summary>
    public int MaxHeaders { get; init; } = 32;

    /// <summary>The longest frame header string (bytes).</summary>
    public int MaxHeaderStringBytes { get; init; } = 4096;

    /// <summary>The longest string in a method message (bytes of UTF-8).</summary>
    public int MaxStringBytes { get; init; } = 8192;

    /// <summary>The most method arguments, and the longest object array.</summary>
    public int MaxArguments { get; init; } = 16;

    /// <summary>The most records in one method message.</summary>
    public int MaxRecords { get; init; } = 256;

    /// <summary>The most members of one class record.</summary>
    public int MaxMembers { get; init; } = 32;

    /// <summary>The deepest nesting of inline records.</summary>
    public int MaxDepth { get; init; } = 8;
}
