namespace SessionBridge.Legacy.Authentication;

/// <summary><c>&lt;forms protection&gt;</c>; only the legacy modes honour it (../spec/legacy-auth-cookies.md §3.4, §4.2).</summary>
internal enum FormsProtection
{
    /// <summary><c>All</c> (the default): encrypted and signed.</summary>
    All,

    /// <summary><c>Encryption</c>: no inner MAC over the ticket.</summary>
    Encryption,

    /// <summary><c>Validation</c>: the ticket in clear with a MAC.</summary>
    Validation,

    /// <summary><c>None</c>: the ticket in clear, unsigned.</summary>
    None,
}
