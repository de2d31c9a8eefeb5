namespace SessionBridge.Session;

/// <summary>
/// The seam between the session API and what the item collection stores: values pass through it on every get and
/// set. The type map (legacy type names ↔ application types) plugs in here.
/// </summary>
internal interface ISessionValueConverter
{
    /// <summary>Converts a value the application assigns into one the item collection accepts.</summary>
    object? ToStored(string? key, object? value);

    /// <summary>Converts a stored value into the one the application reads.</summary>
    object? FromStored(string? key, object? stored);
}
