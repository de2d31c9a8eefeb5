using System.Security.Cryptography;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// Session IDs as Mono's System.Web creates them (../spec/mono-legacy.md §3; Mono's
/// <c>System.Web.SessionState_2.0/SessionId.cs</c>): 12 bytes from a cryptographic random number generator as 24
/// upper-case hexadecimal characters, e.g. <c>0EFB13FCD270B431CB7A1B84</c>.
/// </summary>
/// <remarks>
/// Mono's <c>SessionIDManager.Validate</c> accepts any ID and its stores key sessions by the ID as sent, case
/// included. SessionBridge is stricter, because it validates an ID before a store sees it: it accepts exactly what
/// Mono mints, 24 characters of <c>0-9A-F</c>, and never changes their case, so a session either side creates is
/// found by the other under the same key.
/// </remarks>
public static class MonoSessionId
{
    /// <summary>The length of a Mono session ID.</summary>
    public const int Length = 24;

    /// <summary>The number of random bytes in an ID.</summary>
    public const int ByteCount = 12;

    /// <summary>Creates a new ID from 12 bytes of a cryptographic random number generator.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[ByteCount];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes);
    }

    /// <summary>Whether an ID is exactly 24 characters of <c>0-9A-F</c>, as Mono mints them.</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != Length)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'A' and <= 'F')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Accepts an ID presented by a client (a cookie value) when it is one Mono mints; the ID is used exactly as
    /// presented (nothing is case-folded).
    /// </summary>
    /// <param name="value">The presented value.</param>
    /// <param name="id">The ID to use, or <see langword="null"/> when the value is refused.</param>
    /// <returns>Whether the value is accepted.</returns>
    public static bool TryNormalize(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? id)
    {
        id = IsValid(value) ? value : null;
        return id is not null;
    }
}
