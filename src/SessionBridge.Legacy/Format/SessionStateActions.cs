namespace SessionBridge.Legacy.Format;

/// <summary>System.Web's <c>SessionStateActions</c>: what the reader of a stored session must do with it.</summary>
[Flags]
public enum SessionStateActions
{
    /// <summary>Nothing: the session is initialized.</summary>
    None = 0,

    /// <summary>The session was created uninitialized (<c>CreateUninitializedItem</c>); treat it as new.</summary>
    InitializeItem = 1,
}
