using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SessionBridge.Session;

/// <summary>
/// <see cref="ISession"/> over the legacy session: strings read as UTF-8 and 32-bit integers as 4 big-endian bytes, so
/// ASP.NET Core's <c>GetString</c> and <c>GetInt32</c> work on what the legacy application wrote; <see cref="Set"/>
/// stores a key as registered in <see cref="LegacySessionOptions.SessionKeys"/>.
/// </summary>
internal sealed class LegacySessionView(LegacySessionState state, IDictionary<string, LegacySessionValueKind> keyKinds) : ISession
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public bool IsAvailable => true;

    public string Id => state.SessionID;

    public IEnumerable<string> Keys => state.Keys.Where(k => k is not null).Select(k => k!);

    public Task LoadAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    // The middleware saves the session when the request ends, under the session's lock.
    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        value = state.GetStored(key) switch
        {
            string s => Encoding.UTF8.GetBytes(s),
            int i => ToBigEndian(i),
            _ => null,
        };
        return value is not null;
    }

    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var kind = keyKinds.TryGetValue(key, out var registered)
            ? registered
            : state.GetStored(key) switch
            {
                string => LegacySessionValueKind.String,
                int => LegacySessionValueKind.Int32,
                _ => throw new InvalidOperationException(
                    $"HttpContext.Session.Set cannot tell how the legacy application should read the key '{key}': register it with " +
                    $"options.SessionKeys[\"{key}\"] = LegacySessionValueKind.String (for SetString) or LegacySessionValueKind.Int32 (for SetInt32), " +
                    "or write it through HttpContext.GetLegacySession()."),
            };

        state.SetStored(key, kind switch
        {
            LegacySessionValueKind.String => DecodeUtf8(key, value),
            LegacySessionValueKind.Int32 => value.Length == 4
                ? BinaryPrimitives.ReadInt32BigEndian(value)
                : throw new ArgumentException($"The key '{key}' is registered as Int32, which takes exactly 4 big-endian bytes (SetInt32), not {value.Length}.", nameof(value)),
            _ => throw new InvalidOperationException($"Unknown LegacySessionValueKind {kind} for the key '{key}'."),
        });
    }

    public void Remove(string key) => state.Remove(key);

    public void Clear() => state.Clear();

    private static byte[] ToBigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static string DecodeUtf8(string key, byte[] value)
    {
        try
        {
            return s_strictUtf8.GetString(value);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ArgumentException($"The key '{key}' is registered as String, but the bytes are not valid UTF-8 (SetString writes UTF-8).", nameof(value), ex);
        }
    }
}
