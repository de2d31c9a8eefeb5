using System.Security.Claims;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// Katana's <c>AuthenticationTicket</c>: one claims identity and the properties dictionary in its order
/// (../spec/legacy-auth-cookies.md §6.2, §6.3).
/// </summary>
internal sealed class OwinTicket(ClaimsIdentity identity, IReadOnlyList<KeyValuePair<string, string?>> properties)
{
    public const string IssuedKey = ".issued";
    public const string ExpiresKey = ".expires";
    public const string PersistentKey = ".persistent";
    public const string RefreshKey = ".refresh";

    public ClaimsIdentity Identity { get; } = identity;

    public IReadOnlyList<KeyValuePair<string, string?>> Properties { get; } = properties;

    public string? this[string key] => Properties.FirstOrDefault(p => p.Key == key).Value;

    public DateTimeOffset? IssuedUtc => ParseDate(this[IssuedKey]);

    public DateTimeOffset? ExpiresUtc => ParseDate(this[ExpiresKey]);

    public bool IsPersistent => Properties.Any(p => p.Key == PersistentKey);

    /// <summary><c>AllowRefresh</c>: null unless <c>.refresh</c> is <c>True</c> or <c>False</c>.</summary>
    public bool? AllowRefresh => bool.TryParse(this[RefreshKey], out var value) ? value : null;

    /// <summary>The properties' date form: <c>"r"</c> (whole seconds, GMT).</summary>
    public static string FormatDate(DateTimeOffset value) => value.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParseExact(value, "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var date) ? date : null;

    /// <summary>A copy with <c>.issued</c> / <c>.expires</c> replaced (Katana's sliding renewal keeps the order of the other properties).</summary>
    public OwinTicket WithDates(DateTimeOffset issued, DateTimeOffset expires)
    {
        var list = Properties.Where(p => p.Key is not (IssuedKey or ExpiresKey)).ToList();
        list.Add(new(IssuedKey, FormatDate(issued)));
        list.Add(new(ExpiresKey, FormatDate(expires)));
        return new OwinTicket(Identity, list);
    }
}
