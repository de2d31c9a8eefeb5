using System.Security.Cryptography;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// Session IDs exactly as System.Web's stock <c>SessionIDManager</c> creates and accepts them
/// (../spec/legacy-session-format.md §2; reference source <c>System.Web/State/SessionIDManager.cs</c>).
/// </summary>
/// <remarks>
/// An ID is 15 bytes from a cryptographic random number generator (120 bits), encoded in three groups of five
/// bytes as 24 characters of the alphabet <c>a-z0-5</c>.
/// </remarks>
public static class SessionId
{
    /// <summary>The length of a valid session ID.</summary>
    public const int Length = 24;

    /// <summary>System.Web's <c>SESSION_ID_LENGTH_LIMIT</c>: IDs longer than this are refused before anything else.</summary>
    public const int MaxLength = 80;

    /// <summary>The number of random bytes in an ID.</summary>
    public const int ByteCount = 15;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz012345";

    /// <summary>Creates a new ID from 15 bytes of a cryptographic random number generator.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[ByteCount];
        RandomNumberGenerator.Fill(bytes);
        return Encode(bytes);
    }

    /// <summary>Encodes 15 bytes the way <c>SessionId.Encode</c> does.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 15 bytes long.</exception>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteCount)
        {
            throw new ArgumentException($"A session ID is encoded from exactly {ByteCount} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return string.Create(Length, bytes.ToArray(), static (chars, source) =>
        {
            for (int group = 0, c = 0; group < 3; group++)
            {
                var b = source.AsSpan(group * 5, 5);
                var n = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
                for (var shift = 0; shift < 30; shift += 5)
                {
                    chars[c++] = Alphabet[(n >> shift) & 31];
                }

                var m = ((n >> 30) & 3) | (b[4] << 2);
                chars[c++] = Alphabet[m & 31];
                chars[c++] = Alphabet[(m >> 5) & 31];
            }
        });
    }

    /// <summary>System.Web's <c>SessionId.IsLegit</c>: exactly 24 characters, each in <c>a-z0-5</c>.</summary>
    public static bool IsLegit(string? id)
    {
        if (id is null || id.Length != Length)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '5')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Accepts an ID presented by a client (a cookie value) exactly as the stock <c>SessionIDManager</c> does: longer
    /// than <see cref="MaxLength"/> is refused, then the value is lower-cased (invariant culture) and must be legit.
    /// </summary>
    /// <param name="value">The presented value.</param>
    /// <param name="id">The ID to use, or <see langword="null"/> when the value is refused.</param>
    /// <returns>Whether the value is accepted.</returns>
    public static bool TryNormalize(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? id)
    {
        id = null;
        if (value is null || value.Length > MaxLength)
        {
            return false;
        }

        var lowered = value.ToLowerInvariant();
        if (!IsLegit(lowered))
        {
            return false;
        }

        id = lowered;
        return true;
    }
}
