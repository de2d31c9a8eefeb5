
namespace SessionBridge.StateServer.Client;

/// <summary>What one parse attempt over the bytes received so far produced.</summary>
internal enum StateServerParseStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole message was read and consumed.</summary>
    Complete,

    /// <summary>The bytes cannot be a valid message (or exceed a limit); the connection cannot be trusted any more.</summary>
    Invalid,
}
