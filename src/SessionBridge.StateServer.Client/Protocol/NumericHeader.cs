
namespace SessionBridge.StateServer.Client;

/// <summary>
/// A decimal request header (<c>Timeout</c>, <c>Lock-Cookie</c>, <c>ExtraFlags</c>) as it arrived: absent, not a
/// number (or beyond 64 bits), or a signed value. Range checks are the server's (Microsoft's server parses 32-bit
/// non-negative values and answers 400 otherwise).
/// </summary>
internal readonly record struct NumericHeader(bool IsPresent, bool IsNumber, long Value)
{
    public static NumericHeader Absent => default;

    public static NumericHeader NotANumber => new(true, false, 0);

    /// <summary>Present, numeric and within 0..<see cref="int.MaxValue"/>.</summary>
    public bool IsNonNegativeInt32 => IsPresent && IsNumber && Value is >= 0 and <= int.MaxValue;

    /// <summary>Reads an optional non-negative 32-bit value the way Microsoft's server does: absent gives <paramref name="absentValue"/>, anything else invalid fails.</summary>
    public bool TryGetOptionalNonNegativeInt32(int absentValue, out int value)
    {
        if (!IsPresent)
        {
            value = absentValue;
            return true;
        }

        value = IsNonNegativeInt32 ? (int)Value : 0;
        return IsNonNegativeInt32;
    }
}
