namespace SessionBridge.Legacy.Configuration;

/// <summary>A legacy web.config that cannot be read (missing, too large, malformed XML) or cannot be shared as it is.</summary>
public sealed class WebConfigImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebConfigImportException()
        : this("The legacy web.config cannot be imported.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public WebConfigImportException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebConfigImportException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception for the errors an import found.</summary>
    /// <param name="message">The message, naming the file and every error.</param>
    /// <param name="errors">The errors.</param>
    public WebConfigImportException(string message, IReadOnlyList<WebConfigDiagnostic> errors)
        : base(message)
    {
        Errors = errors;
    }

    /// <summary>The errors, each naming the file, the setting and the fix; empty when the file could not be read at all.</summary>
    public IReadOnlyList<WebConfigDiagnostic> Errors { get; }
}
