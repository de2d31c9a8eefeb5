
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// A .NET Remoting message ([MS-NRTP] frame or [MS-NRBF] method call/return) is malformed, exceeds a limit, or is
/// not one of the calls Mono's state server protocol uses. Nothing named in the message was loaded or run.
/// </summary>
public sealed class RemotingProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemotingProtocolException()
        : base("The .NET Remoting message is invalid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RemotingProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public RemotingProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
