namespace SessionBridge;

/// <summary>
/// The current request's session with the shape of System.Web's <c>HttpSessionState</c> (and of SystemWebAdapters'
/// <c>ISessionState</c>): get it with <c>HttpContext.GetLegacySession()</c>.
/// </summary>
/// <remarks>
/// Values are what the legacy session holds: <see langword="null"/>, the 19 primitive types System.Web writes natively
/// (<see cref="string"/>, <see cref="int"/>, <see cref="bool"/>, <see cref="DateTime"/>, <see cref="decimal"/>, …) and
/// <see cref="Legacy.Format.SerializedObject"/> for any other object; a value that cannot be written in a form the
/// legacy application reads throws <see cref="ArgumentException"/> at assignment. Every change throws
/// <see cref="InvalidOperationException"/> when the endpoint's behaviour is <see cref="LegacySessionBehavior.ReadOnly"/>.
/// </remarks>
public interface ILegacySessionState
{
    /// <summary>The session ID: 24 characters of <c>a-z0-5</c>.</summary>
    string SessionID { get; }

    /// <summary>Whether the session was created by this request.</summary>
    bool IsNewSession { get; }

    /// <summary>Whether the endpoint reads the session only.</summary>
    bool IsReadOnly { get; }

    /// <summary>Whether <see cref="Abandon"/> was called during this request.</summary>
    bool IsAbandoned { get; }

    /// <summary>The session's timeout in minutes (1 to 525,600); a change is saved.</summary>
    int Timeout { get; set; }

    /// <summary>The number of items.</summary>
    int Count { get; }

    /// <summary>The keys in stored order.</summary>
    IReadOnlyList<string?> Keys { get; }

    /// <summary>Gets or sets a value by key (case-insensitive); a missing key reads as <see langword="null"/>.</summary>
    object? this[string name] { get; set; }

    /// <summary>Gets or sets a value by position.</summary>
    object? this[int index] { get; set; }

    /// <summary>Adds or replaces a value (System.Web's <c>Add</c>).</summary>
    void Add(string name, object? value);

    /// <summary>Removes a value.</summary>
    void Remove(string name);

    /// <summary>Removes the value at a position.</summary>
    void RemoveAt(int index);

    /// <summary>Removes every value (System.Web's <c>Clear</c> and <c>RemoveAll</c>).</summary>
    void Clear();

    /// <summary>
    /// Ends the session when the request ends: it is removed from the store, and the next request starts a new, empty
    /// session (with a new ID when <see cref="LegacySessionOptions.RenewIdAfterAbandon"/> is on).
    /// </summary>
    void Abandon();
}
