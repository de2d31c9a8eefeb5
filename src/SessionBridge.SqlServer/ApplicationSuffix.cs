using System.Globalization;

namespace SessionBridge.SqlServer;

/// <summary>
/// The 8 hex digits the legacy providers append to every session id (../spec/sqlserver-mode.md §4.3 and §4.7).
/// </summary>
/// <remarks>
/// System.Web formats the <c>AppId</c> that <c>dbo.TempGetAppID</c> returns with <c>x8</c> (lower case, two's complement
/// for negative ids). Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync formats a hash of
/// <c>HttpRuntime.AppDomainAppId</c> with <c>X8</c>: <c>String.GetHashCode()</c> of .NET Framework 4.x (which differs
/// between 32- and 64-bit processes; reference source <c>mscorlib/system/string.cs</c>, non-randomized), or, in its
/// sources since March 2025, its own <c>GetDeterministicHashCode()</c>.
/// </remarks>
internal static class ApplicationSuffix
{
    private const int Seed64 = 5381;
    private const int Seed32 = (5381 << 16) + 5381;
    private const int Multiplier = 1566083941;

    /// <summary>System.Web's suffix for an application id from <c>ASPStateTempApplications</c>.</summary>
    public static string FromAppId(int appId) => appId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The async provider's suffix for an application id.</summary>
    public static string ForAsyncProvider(string applicationId, AsyncProviderSuffixHash hash) => (hash switch
    {
        AsyncProviderSuffixHash.NetFramework64Bit => NetFramework64BitHash(applicationId),
        AsyncProviderSuffixHash.NetFramework32Bit => NetFramework32BitHash(applicationId),
        AsyncProviderSuffixHash.Deterministic => DeterministicHash(applicationId),
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash, "Unknown hash variant."),
    }).ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>.NET Framework 4.x <c>String.GetHashCode()</c> in a 64-bit process: two interleaved djb2 hashes over the characters.</summary>
    public static int NetFramework64BitHash(string value)
    {
        unchecked
        {
            int hash1 = Seed64, hash2 = Seed64;
            for (var i = 0; i < value.Length && value[i] != '\0'; i += 2)
            {
                hash1 = ((hash1 << 5) + hash1) ^ value[i];
                if (i + 1 == value.Length || value[i + 1] == '\0')
                {
                    break;
                }

                hash2 = ((hash2 << 5) + hash2) ^ value[i + 1];
            }

            return hash1 + (hash2 * Multiplier);
        }
    }

    /// <summary>
    /// .NET Framework 4.x <c>String.GetHashCode()</c> in a 32-bit process: it reads the characters two at a time as
    /// little-endian 32-bit words (the terminating NUL included when the length is odd) and rotates as it goes.
    /// </summary>
    public static int NetFramework32BitHash(string value)
    {
        unchecked
        {
            int hash1 = Seed32, hash2 = Seed32;
            var index = 0;
            var remaining = value.Length;
            while (remaining > 2)
            {
                hash1 = ((hash1 << 5) + hash1 + (hash1 >> 27)) ^ Word(value, index);
                hash2 = ((hash2 << 5) + hash2 + (hash2 >> 27)) ^ Word(value, index + 2);
                index += 4;
                remaining -= 4;
            }

            if (remaining > 0)
            {
                hash1 = ((hash1 << 5) + hash1 + (hash1 >> 27)) ^ Word(value, index);
            }

            return hash1 + (hash2 * Multiplier);
        }
    }

    /// <summary>The async provider's <c>GetDeterministicHashCode()</c>: the 64-bit loop with the 32-bit seed.</summary>
    public static int DeterministicHash(string value)
    {
        unchecked
        {
            int hash1 = Seed32, hash2 = Seed32;
            for (var i = 0; i < value.Length; i += 2)
            {
                hash1 = ((hash1 << 5) + hash1) ^ value[i];
                if (i == value.Length - 1)
                {
                    break;
                }

                hash2 = ((hash2 << 5) + hash2) ^ value[i + 1];
            }

            return hash1 + (hash2 * Multiplier);
        }
    }

    // The characters at index and index + 1 as one little-endian 32-bit word; past the end reads the string's NUL terminator.
    private static int Word(string value, int index) =>
        (index < value.Length ? value[index] : 0) | ((index + 1 < value.Length ? value[index + 1] : 0) << 16);
}
