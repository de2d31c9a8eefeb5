namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// The text forms of protected bytes: FormsAuthentication's hex and URL token (../spec/legacy-auth-cookies.md §5) and
/// Katana's padding-free base64url (§6.1).
/// </summary>
internal static class LegacyCookieText
{
    /// <summary><c>FormsAuthentication.Decrypt</c>'s limit on the cookie text.</summary>
    public const int MaxFormsCookieLength = 4096;

    /// <summary>
    /// Decodes a <c>.ASPXAUTH</c> value as <c>FormsAuthentication.Decrypt</c> does: 1 to 4096 characters; hex when the
    /// length is even and every character is a hex digit, otherwise a URL token.
    /// </summary>
    public static byte[]? DecodeForms(string? text, out string? reason)
    {
        reason = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxFormsCookieLength)
        {
            reason = string.IsNullOrEmpty(text) ? "the cookie is empty" : $"the cookie is longer than {MaxFormsCookieLength} characters";
            return null;
        }

        if (text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var bytes = UrlTokenDecode(text);
        if (bytes is null or { Length: 0 })
        {
            reason = "the cookie is neither hex nor a URL token";
            return null;
        }

        return bytes;
    }

    /// <summary><c>HttpServerUtility.UrlTokenEncode</c>: base64 with <c>-</c>/<c>_</c>, the padding replaced by its count as one digit.</summary>
    public static string UrlTokenEncode(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return "";
        }

        var base64 = Convert.ToBase64String(data);
        var trimmed = base64.TrimEnd('=');
        return string.Create(trimmed.Length + 1, (trimmed, base64.Length - trimmed.Length), static (span, state) =>
        {
            for (var i = 0; i < state.trimmed.Length; i++)
            {
                span[i] = state.trimmed[i] switch { '+' => '-', '/' => '_', var c => c };
            }

            span[^1] = (char)('0' + state.Item2);
        });
    }

    public static byte[]? UrlTokenDecode(string text)
    {
        if (text.Length < 1)
        {
            return null;
        }

        var pad = text[^1] - '0';
        if (pad is < 0 or > 2)
        {
            return null;
        }

        var chars = new char[text.Length - 1 + pad];
        for (var i = 0; i < text.Length - 1; i++)
        {
            chars[i] = text[i] switch { '-' => '+', '_' => '/', var c => c };
        }

        chars.AsSpan(text.Length - 1).Fill('=');
        var buffer = new byte[chars.Length * 3 / 4];
        return Convert.TryFromBase64Chars(chars, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Katana's <c>Base64UrlTextEncoder.Encode</c>: RFC 4648 base64url without padding.</summary>
    public static string Base64UrlEncode(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Katana's decoder: maps <c>-</c>/<c>_</c>, re-pads; standard and padded base64 are accepted too.</summary>
    public static byte[]? Base64UrlDecode(string text)
    {
        var chars = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = text[i] switch { '-' => '+', '_' => '/', var c => c };
        }

        chars.AsSpan(text.Length).Fill('=');
        var buffer = new byte[chars.Length * 3 / 4];
        return Convert.TryFromBase64Chars(chars, buffer, out var written) ? buffer[..written] : null;
    }
}
