namespace SessionBridge;

/// <summary>
/// How <see cref="Microsoft.AspNetCore.Http.ISession.Set"/> stores the bytes it is given under a registered key, so
/// that the legacy application reads a value of its own kind.
/// </summary>
public enum LegacySessionValueKind
{
    /// <summary>The bytes are UTF-8 (what <c>SetString</c> writes) and are stored as a <see cref="string"/>.</summary>
    String,

    /// <summary>The bytes are 4 big-endian bytes (what <c>SetInt32</c> writes) and are stored as an <see cref="int"/>.</summary>
    Int32,
}
