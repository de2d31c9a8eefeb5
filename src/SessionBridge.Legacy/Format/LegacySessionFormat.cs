using System.Buffers;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// How one deployment's sessions are encoded: the value serializer with its type map and limits, whether blobs are
/// compressed (<c>compressionEnabled</c>), and the largest inflated size accepted. Every store and the state server
/// host receive the same instance and convert through it, so every value in every store and layout is decoded and
/// encoded the same way.
/// </summary>
/// <remarks>
/// Data read through a format has its <see cref="SessionStateItemCollection.ValueSerializer"/> set, so mapped types
/// come back as objects and can be stored; data created with <see cref="CreateEmpty"/> has it too. The layouts
/// themselves are described on <see cref="SessionStateSerializer"/> (../spec/legacy-session-format.md).
/// </remarks>
public sealed class LegacySessionFormat
{
    /// <summary>Creates a format.</summary>
    /// <param name="values">
    /// Decodes and encodes type-20 (serialized object) values; when <see langword="null"/> they stay
    /// <see cref="SerializedObject"/>s.
    /// </param>
    /// <param name="compressionEnabled">Whether session blobs are compressed, as the legacy <c>&lt;sessionState compressionEnabled&gt;</c>.</param>
    /// <param name="maxUncompressedLength">The largest inflated size accepted for a compressed blob.</param>
    public LegacySessionFormat(LegacyValueSerializer? values = null, bool compressionEnabled = false, int maxUncompressedLength = SessionStateSerializer.DefaultMaxUncompressedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxUncompressedLength);
        Values = values;
        CompressionEnabled = compressionEnabled;
        MaxUncompressedLength = maxUncompressedLength;
    }

    /// <summary>A format without a value serializer, uncompressed.</summary>
    public static LegacySessionFormat Default { get; } = new();

    /// <summary>
    /// Decodes and encodes type-20 (serialized object) values with the application's type map, or
    /// <see langword="null"/> when such values stay <see cref="SerializedObject"/>s.
    /// </summary>
    public LegacyValueSerializer? Values { get; }

    /// <summary>Whether session blobs are compressed (<c>compressionEnabled="true"</c>).</summary>
    public bool CompressionEnabled { get; }

    /// <summary>The largest inflated size accepted for a compressed blob.</summary>
    public int MaxUncompressedLength { get; }

    /// <summary>Creates an empty session whose items read and write objects through <see cref="Values"/>.</summary>
    /// <param name="timeoutMinutes">The session timeout in minutes.</param>
    public SessionStateData CreateEmpty(int timeoutMinutes)
    {
        var data = new SessionStateData(timeoutMinutes);
        data.Items.ValueSerializer = Values;
        return data;
    }

    /// <summary>Reads a session blob (the state server's, SQL Server's, the in-memory and distributed-cache stores').</summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid session blob.</exception>
    public SessionStateData Deserialize(ReadOnlyMemory<byte> blob)
    {
        var data = SessionStateSerializer.Deserialize(blob, CompressionEnabled, MaxUncompressedLength);
        data.Items.ValueSerializer = Values;
        return data;
    }

    /// <summary>Writes a session blob.</summary>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt.</exception>
    public byte[] Serialize(SessionStateData data) => SessionStateSerializer.Serialize(data, CompressionEnabled);

    /// <summary>Writes a session blob to a buffer writer.</summary>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt.</exception>
    public void Serialize(SessionStateData data, IBufferWriter<byte> destination) =>
        SessionStateSerializer.Serialize(data, destination, CompressionEnabled);

    /// <summary>Reads the bare item collection (what Microsoft.Web.RedisSessionStateProvider v5 stores).</summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid item collection.</exception>
    public SessionStateItemCollection DeserializeItems(ReadOnlyMemory<byte> bytes)
    {
        var items = SessionStateSerializer.DeserializeItems(bytes);
        items.ValueSerializer = Values;
        return items;
    }

    /// <summary>Writes the bare item collection.</summary>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt.</exception>
    public byte[] SerializeItems(SessionStateItemCollection items) => SessionStateSerializer.SerializeItems(items);
}
