using System.Globalization;

namespace SessionBridge.Legacy.Authentication;

/// <summary>
/// Katana's <c>ChunkingCookieManager</c> (3.0+): a long value is sent as <c>NAME=chunks:N</c> plus
/// <c>NAMEC1</c> … <c>NAMECN</c> (../spec/legacy-auth-cookies.md §6.5). ASP.NET Core's cookie chunking uses the same scheme.
/// </summary>
internal static class KatanaChunkedCookie
{
    /// <summary>Katana's default chunk size: characters per <c>Set-Cookie</c> value, name and attributes included.</summary>
    public const int DefaultChunkSize = 4090;

    /// <summary>The most chunks read or written.</summary>
    public const int MaxChunks = 100;

    private const string Prefix = "chunks:";

    /// <summary>
    /// The full value of cookie <paramref name="name"/>: the value itself, or its chunks joined; <see langword="null"/>
    /// when absent, when a chunk is missing, or when the count is out of range.
    /// </summary>
    public static string? Join(string name, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var value = lookup(name);
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return value;
        }

        if (!int.TryParse(value.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxChunks)
        {
            return null;
        }

        var parts = new string[count];
        var total = 0;
        for (var i = 1; i <= count; i++)
        {
            var part = lookup(name + "C" + i.ToString(CultureInfo.InvariantCulture));
            if (part is null)
            {
                return null;
            }

            total += part.Length;
            if (total > OwinCookieProtector.MaxCookieLength)
            {
                return null;
            }

            parts[i - 1] = part;
        }

        return string.Concat(parts);
    }

    /// <summary>
    /// The cookies to send for a value: one (<c>name=value</c>) when it fits in <paramref name="chunkSize"/>, otherwise
    /// the <c>chunks:N</c> header cookie and the numbered chunks.
    /// </summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">The value (base64url: no character needs escaping).</param>
    /// <param name="attributesLength">The length of the attributes written after the value (<c>; path=/; secure; httponly</c>…).</param>
    /// <param name="chunkSize">The budget per cookie; <see langword="null"/> never chunks.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Split(string name, string value, int attributesLength, int? chunkSize = DefaultChunkSize)
    {
        var overhead = name.Length + 1 + attributesLength;
        if (chunkSize is not { } size || overhead + value.Length <= size)
        {
            return [new(name, value)];
        }

        var perChunk = size - overhead - 3; // the chunk number's characters
        if (perChunk < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), $"A chunk size of {size} leaves no room for the value of cookie '{name}'.");
        }

        var count = (value.Length + perChunk - 1) / perChunk;
        if (count > MaxChunks)
        {
            throw new ArgumentException($"The cookie '{name}' would need {count} chunks (more than {MaxChunks}); store fewer claims in it.", nameof(value));
        }

        var cookies = new List<KeyValuePair<string, string>>(count + 1) { new(name, Prefix + count.ToString(CultureInfo.InvariantCulture)) };
        for (var i = 0; i < count; i++)
        {
            var start = i * perChunk;
            cookies.Add(new(name + "C" + (i + 1).ToString(CultureInfo.InvariantCulture), value.Substring(start, Math.Min(perChunk, value.Length - start))));
        }

        return cookies;
    }
}
