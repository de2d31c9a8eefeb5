
namespace SessionBridge.StateServer.Client;

/// <summary>
/// Bounds on one [MS-ASP] message, so a hostile peer cannot make the parser hold more than
/// <see cref="MaxHeadLength"/> + <see cref="MaxBodyLength"/> bytes per connection.
/// </summary>
internal sealed class StateServerLimits
{
    /// <summary>16 KiB: the request or status line plus headers plus the blank line.</summary>
    public const int DefaultMaxHeadLength = 16 * 1024;

    /// <summary>32 header lines.</summary>
    public const int DefaultMaxHeaderCount = 32;

    /// <summary>16 MiB: the largest session blob accepted.</summary>
    public const int DefaultMaxBodyLength = 16 * 1024 * 1024;

    public static StateServerLimits Default { get; } = new();

    public int MaxHeadLength { get; init; } = DefaultMaxHeadLength;

    public int MaxHeaderCount { get; init; } = DefaultMaxHeaderCount;

    public int MaxBodyLength { get; init; } = DefaultMaxBodyLength;
}
