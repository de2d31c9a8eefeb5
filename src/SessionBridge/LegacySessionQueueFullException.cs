namespace SessionBridge;

/// <summary>
/// More requests are waiting for one session's lock than <see cref="LegacySessionOptions.RequestQueueLimit"/> allows
/// (System.Web's <c>aspnet:RequestQueueLimitPerSession</c>). The middleware answers 429 with <c>Retry-After: 1</c> at once.
/// </summary>
public sealed class LegacySessionQueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LegacySessionQueueFullException()
        : base("Too many requests are waiting for this session's lock.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LegacySessionQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public LegacySessionQueueFullException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
