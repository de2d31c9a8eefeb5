using System.Globalization;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// System.Configuration's converters, as System.Web's sections use them: booleans (<c>true</c>/<c>false</c>, any case),
/// whole minutes or seconds (<c>TimeSpanMinutesConverter</c>, <c>TimeSpanSecondsOrInfiniteConverter</c>, …, which
/// parse a long and accept <c>Infinite</c> where the name says so), and the <c>targetFramework</c> version.
/// </summary>
internal static class WebConfigValues
{
    public static bool TryBool(string value, out bool result) => bool.TryParse(value.Trim(), out result);

    /// <summary>A whole number of units; <see cref="TimeSpan.MaxValue"/> for <c>Infinite</c> when allowed.</summary>
    public static bool TryWhole(string value, bool allowInfinite, out long result)
    {
        var text = value.Trim();
        if (allowInfinite && text == "Infinite")
        {
            result = long.MaxValue;
            return true;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    public static string Invariant(bool value) => value ? "true" : "false";

    /// <summary>
    /// The framework version of <c>&lt;httpRuntime targetFramework&gt;</c>: <c>4.5</c>, <c>4.7.2</c> or the long form
    /// <c>.NETFramework,Version=v4.5</c>.
    /// </summary>
    public static bool TryFramework(string value, out Version version)
    {
        var text = value.Trim();
        const string LongForm = ".NETFramework,";
        if (text.StartsWith(LongForm, StringComparison.OrdinalIgnoreCase))
        {
            var at = text.IndexOf("Version=", StringComparison.OrdinalIgnoreCase);
            text = at < 0 ? string.Empty : text[(at + "Version=".Length)..].Split(',')[0].Trim();
        }

        text = text.TrimStart('v', 'V');
        if (Version.TryParse(text, out var parsed) && parsed.Major >= 1)
        {
            version = parsed;
            return true;
        }

        version = new Version(4, 0);
        return false;
    }

    /// <summary>Whether a string is non-empty hex of even length (System.Web's explicit machineKey keys).</summary>
    public static bool IsHex(string value) => value.Length > 0 && value.Length % 2 == 0 && value.All(Uri.IsHexDigit);
}
