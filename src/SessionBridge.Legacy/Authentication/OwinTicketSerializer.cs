using System.Buffers.Binary;
using System.Security.Claims;
using System.Text;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// Katana's <c>TicketSerializer</c>, format 3 (Microsoft.Owin 3.0.1 and later; ../spec/legacy-auth-cookies.md §6.2).
/// </summary>
/// <remarks>
/// <code>
/// Int32 3 | authenticationType | nameClaimType* | roleClaimType* | Int32 claim count |
///   per claim: type** | value | valueType* | issuer* | originalIssuer** |
/// bootstrap: Int32 0, or Int32 UTF-16 length then the string |
/// Int32 1 (properties version) | Int32 count | per property: key | value
/// strings: BinaryWriter strings (7-bit byte count + UTF-8); Int32 little-endian
/// *  "\0" when equal to the default (name / role claim type, xs:string, LOCAL AUTHORITY)
/// ** "\0" when equal to the identity's name claim type / to the claim's issuer
/// </code>
/// The reader is bounded by its input: every count is checked against the bytes left before anything is allocated;
/// it returns null for anything Katana's reader returns null for or throws on. Bytes after the last property are ignored.
/// </remarks>
internal static class OwinTicketSerializer
{
    public const int FormatVersion = 3;
    private const string DefaultNameClaimType = ClaimsIdentity.DefaultNameClaimType;
    private const string DefaultRoleClaimType = ClaimsIdentity.DefaultRoleClaimType;
    private const string DefaultValueType = ClaimValueTypes.String;
    private const string DefaultIssuer = ClaimsIdentity.DefaultIssuer;
    private const string Placeholder = "\0";

    private static readonly UTF8Encoding s_utf8 = new(false, false);

    public static byte[] Serialize(OwinTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var identity = ticket.Identity;
        var authenticationType = identity.AuthenticationType
            ?? throw new ArgumentException("The identity needs an authentication type (Katana refuses to write one without).", nameof(ticket));
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, s_utf8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(authenticationType);
            writer.Write(Shorten(identity.NameClaimType, DefaultNameClaimType));
            writer.Write(Shorten(identity.RoleClaimType, DefaultRoleClaimType));
            var claims = identity.Claims.ToList();
            writer.Write(claims.Count);
            foreach (var claim in claims)
            {
                writer.Write(Shorten(claim.Type, identity.NameClaimType));
                writer.Write(claim.Value);
                writer.Write(Shorten(claim.ValueType, DefaultValueType));
                writer.Write(Shorten(claim.Issuer, DefaultIssuer));
                writer.Write(Shorten(claim.OriginalIssuer, claim.Issuer));
            }

            if (identity.BootstrapContext is string { } bootstrap && !string.IsNullOrWhiteSpace(bootstrap))
            {
                writer.Write(bootstrap.Length);
                writer.Write(bootstrap);
            }
            else
            {
                writer.Write(0);
            }

            writer.Write(1);
            writer.Write(ticket.Properties.Count);
            foreach (var (key, value) in ticket.Properties)
            {
                writer.Write(key);
                writer.Write(value ?? "");
            }
        }

        return stream.ToArray();
    }

    public static OwinTicket? Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        if (!reader.Int32(out var version) || version != FormatVersion
            || !reader.String(out var authenticationType) || !reader.String(out var nameType) || !reader.String(out var roleType)
            || !reader.Int32(out var count) || count < 0 || count > reader.Remaining / 5)
        {
            return null;
        }

        var identity = new ClaimsIdentity(authenticationType, Expand(nameType, DefaultNameClaimType), Expand(roleType, DefaultRoleClaimType));
        for (var i = 0; i < count; i++)
        {
            if (!reader.String(out var type) || !reader.String(out var value) || !reader.String(out var valueType)
                || !reader.String(out var issuer) || !reader.String(out var originalIssuer))
            {
                return null;
            }

            var claimIssuer = Expand(issuer, DefaultIssuer);
            identity.AddClaim(new Claim(Expand(type, identity.NameClaimType), value, Expand(valueType, DefaultValueType), claimIssuer, Expand(originalIssuer, claimIssuer), identity));
        }

        if (!reader.Int32(out var bootstrapLength) || bootstrapLength < 0)
        {
            return null;
        }

        if (bootstrapLength > 0)
        {
            if (!reader.String(out var bootstrap))
            {
                return null;
            }

            identity.BootstrapContext = bootstrap;
        }

        if (!reader.Int32(out var propertiesVersion) || propertiesVersion != 1 || !reader.Int32(out var propertyCount)
            || propertyCount < 0 || propertyCount > reader.Remaining / 2)
        {
            return null;
        }

        var properties = new List<KeyValuePair<string, string?>>(propertyCount);
        for (var i = 0; i < propertyCount; i++)
        {
            if (!reader.String(out var key) || !reader.String(out var value))
            {
                return null;
            }

            // Katana fills a Dictionary: a repeated key replaces the value and keeps the first position.
            var at = properties.FindIndex(p => p.Key == key);
            if (at >= 0)
            {
                properties[at] = new(key, value);
            }
            else
            {
                properties.Add(new(key, value));
            }
        }

        return new OwinTicket(identity, properties);
    }

    private static string Shorten(string value, string? defaultValue) => string.Equals(value, defaultValue, StringComparison.Ordinal) ? Placeholder : value;

    private static string Expand(string value, string defaultValue) => value == Placeholder ? defaultValue : value;

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public readonly int Remaining => _data.Length - _offset;

        public bool Int32(out int value)
        {
            value = 0;
            if (Remaining < 4)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32LittleEndian(_data[_offset..]);
            _offset += 4;
            return true;
        }

        public bool String(out string value)
        {
            value = "";
            var length = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (Remaining < 1 || shift == 35)
                {
                    return false;
                }

                var b = _data[_offset++];
                length |= unchecked((b & 0x7F) << shift);
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (length < 0 || length > Remaining)
            {
                return false;
            }

            value = s_utf8.GetString(_data.Slice(_offset, length));
            _offset += length;
            return true;
        }
    }
}
