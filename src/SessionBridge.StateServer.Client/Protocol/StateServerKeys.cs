using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// The state server's resource key on both ends (../spec/state-server-protocol.md §3.3): the client's request target
/// <c>UrlEncode(uribase + sessionId)</c>, and the server's key <c>UrlDecode(target)</c>.
/// </summary>
internal static class StateServerKeys
{
    /// <summary>
    /// The uribase of an application: <paramref name="applicationId"/> (the IIS metabase path, e.g.
    /// <c>/LM/W3SVC/1/ROOT/MyApp</c>, case-sensitive) with a '/' in front when it has none, then
    /// "(" + hash + ")/".
    /// </summary>
    public static string CreateUriBase(string applicationId, StateServerKeyScheme scheme, string? validationKey = null, string? validation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        var hash = scheme switch
        {
            StateServerKeyScheme.Sha256 => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(applicationId))),
            StateServerKeyScheme.MachineKey => Convert.ToBase64String(MachineKeyHash(applicationId, validationKey, validation)),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown state server key scheme."),
        };
        var prefix = applicationId.StartsWith('/') ? string.Empty : "/";
        return prefix + applicationId + "(" + hash + ")/";
    }

    /// <summary>
    /// <c>MachineKeySection.HashAndBase64EncodeString</c>'s hash: over the UTF-16LE bytes of the application id,
    /// HMAC keyed with the validationKey (SHA1, and 3DES/AES which validate with SHA1: HMACSHA1; HMACSHA256/384/512),
    /// or MD5 over the data followed by the key for <c>validation="MD5"</c>. Which .NET release replaced this by
    /// SHA-256 is unconfirmed (spec §8.3).
    /// </summary>
    public static byte[] MachineKeyHash(string applicationId, string? validationKey, string? validation)
    {
        if (string.IsNullOrWhiteSpace(validationKey) || validationKey.Contains("AutoGenerate", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                "The MachineKey key scheme needs the legacy application's explicit <machineKey validationKey=\"…\"> (hex); " +
                "an AutoGenerate key cannot be used outside the legacy machine. Set an explicit key in the legacy web.config and copy it here.",
                nameof(validationKey));
        }

        byte[] key;
        try
        {
            key = Convert.FromHexString(validationKey.Trim());
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The validationKey must be the hex string from the legacy <machineKey validationKey=\"…\">.", nameof(validationKey), ex);
        }

        var data = Encoding.Unicode.GetBytes(applicationId);
        var algorithm = string.IsNullOrWhiteSpace(validation) ? "SHA1" : validation.Trim().ToUpperInvariant();
        return algorithm switch
        {
            "SHA1" or "3DES" or "AES" => HMACSHA1.HashData(key, data),
            "HMACSHA256" => HMACSHA256.HashData(key, data),
            "HMACSHA384" => HMACSHA384.HashData(key, data),
            "HMACSHA512" => HMACSHA512.HashData(key, data),
#pragma warning disable CA5351 // The legacy application's MD5 validation is what produces its keys.
            "MD5" => MD5.HashData([.. data, .. key]),
#pragma warning restore CA5351
            _ => throw new ArgumentException(
                $"Unknown machineKey validation '{validation}'; use SHA1, MD5, 3DES, AES, HMACSHA256, HMACSHA384 or HMACSHA512 as in the legacy web.config.",
                nameof(validation)),
        };
    }

    /// <summary>The request target System.Web sends: <c>HttpUtility.UrlEncode(uribase + sessionId)</c> (lower-case hex, no leading '/').</summary>
    public static string CreateRequestTarget(string uriBase, string sessionId) => UrlEncode(uriBase + sessionId);

    /// <summary>
    /// System.Web's <c>HttpUtility.UrlEncode</c>: <c>A-Z a-z 0-9 - _ . ! * ( )</c> stay, space becomes '+', every
    /// other UTF-8 byte becomes <c>%xx</c> with lower-case hex.
    /// </summary>
    public static string UrlEncode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'!' or (byte)'*' or (byte)'(' or (byte)')')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The server's key for a request target: <c>HttpUtility.UrlDecode</c> (UTF-8; '+' is a space; <c>%xx</c> and
    /// <c>%uxxxx</c> in any case; malformed escapes stay as they are), then exactly one leading '/' (a target sent
    /// as <c>%2fLM…</c> and one sent as <c>/LM/…</c> name the same item, as on Microsoft's server where the native
    /// front end prefixes '/' and the managed side collapses a leading "//").
    /// </summary>
    public static string KeyFromTarget(string target)
    {
        var decoded = UrlDecode(target);
        if (decoded.StartsWith("//", StringComparison.Ordinal))
        {
            return decoded[1..];
        }

        return decoded.StartsWith('/') ? decoded : "/" + decoded;
    }

    public static string UrlDecode(string value)
    {
        if (value.IndexOfAny(['%', '+']) < 0)
        {
            return value;
        }

        var output = new ArrayBufferWriter<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '+')
            {
                Write(output, (byte)' ');
            }
            else if (c == '%' && i + 1 < value.Length && value[i + 1] is 'u' or 'U'
                && TryHex(value, i + 2, 4, out var unit))
            {
                var written = new Rune(char.IsSurrogate((char)unit) ? '\uFFFD' : (char)unit).EncodeToUtf8(utf8);
                output.Write(utf8[..written]);
                i += 5;
            }
            else if (c == '%' && TryHex(value, i + 1, 2, out var b))
            {
                Write(output, (byte)b);
                i += 2;
            }
            else
            {
                var written = new Rune(char.IsSurrogate(c) ? '\uFFFD' : c).EncodeToUtf8(utf8);
                output.Write(utf8[..written]);
            }
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void Write(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static bool TryHex(string value, int start, int count, out int result)
    {
        result = 0;
        if (start + count > value.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var digit = value[i] switch
            {
                >= '0' and <= '9' => value[i] - '0',
                >= 'a' and <= 'f' => value[i] - 'a' + 10,
                >= 'A' and <= 'F' => value[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            result = (result * 16) + digit;
        }

        return true;
    }
}
