namespace SessionBridge.Legacy.Stores;

/// <summary>
/// The session store could not be reached, timed out, or failed; the operation did not happen (or, for a write, may
/// not have happened). The middleware answers 503 by default and never substitutes an empty session.
/// </summary>
public sealed class SessionStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionStoreUnavailableException()
        : base("The session store is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public SessionStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
