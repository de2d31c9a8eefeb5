namespace SessionBridge.Legacy.Format;

/// <summary>
/// The bytes are not a valid System.Web session blob, item collection or value, or a value cannot be
/// written in a form the legacy application reads.
/// </summary>
/// <remarks>
/// Microsoft's reader fails on such input with a mix of <c>HttpException</c>, <c>IOException</c>,
/// <c>OverflowException</c>, <c>InvalidDataException</c> and <c>ArgumentOutOfRangeException</c>; SessionBridge
/// raises this one type for all of them, with a message that names what is wrong and where.
/// </remarks>
public sealed class LegacySessionFormatException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public LegacySessionFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public LegacySessionFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The key of the value that cannot be read or written, when the failure is about one value; <see langword="null"/>
    /// when it is about the session as a whole.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>Creates the exception with the generic message.</summary>
    public LegacySessionFormatException()
        : base("The session state information is invalid and might be corrupted.")
    {
    }
}
