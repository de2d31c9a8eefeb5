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
/// <para>
/// The <see cref="Dialect"/> says which System.Web wrote the bytes (Microsoft's or Mono's); it is configured, never
/// guessed. Microsoft's whole-blob layout (<see cref="Deserialize(ReadOnlyMemory{byte})"/>) exists in Microsoft's
/// dialect only; the item collection (<see cref="DeserializeItems"/>) and the items with the timeout beside them
/// (<see cref="DeserializeStoreItems"/>) follow the dialect.
/// </para>
/// <para>
/// Data read through a format has its <see cref="SessionStateItemCollection.ValueSerializer"/> set, so mapped types
/// come back as objects and can be stored; data created with <see cref="CreateEmpty"/> has it too. The layouts
/// themselves are described on <see cref="SessionStateSerializer"/> (../spec/legacy-session-format.md) and
/// <see cref="MonoSessionStateSerializer"/> (../spec/mono-legacy.md §2).
/// </para>
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
    /// <param name="dialect">Which System.Web's layout the bytes are in; Microsoft's by default.</param>
    public LegacySessionFormat(LegacyValueSerializer? values = null, bool compressionEnabled = false, int maxUncompressedLength = SessionStateSerializer.DefaultMaxUncompressedLength, LegacySessionDialect dialect = LegacySessionDialect.Microsoft)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxUncompressedLength);
        if (!Enum.IsDefined(dialect))
        {
            throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "The dialect must be Microsoft or Mono.");
        }

        Values = values;
        CompressionEnabled = compressionEnabled;
        MaxUncompressedLength = maxUncompressedLength;
        Dialect = dialect;
    }

    /// <summary>Which System.Web's layout the bytes are in: Microsoft's (the default) or Mono's.</summary>
    public LegacySessionDialect Dialect { get; }

    /// <summary>
    /// This format in another dialect (same value serializer, compression and limit), for a store whose own option
    /// overrides the dialect.
    /// </summary>
    public LegacySessionFormat WithDialect(LegacySessionDialect dialect) =>
        dialect == Dialect ? this : new LegacySessionFormat(Values, CompressionEnabled, MaxUncompressedLength, dialect);

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

    /// <summary>
    /// Reads a session blob (the state server's, SQL Server's, the in-memory and distributed-cache stores'): Microsoft's
    /// <c>SessionStateUtility</c> layout, whatever the dialect (Mono has no such blob; its stores keep the items and the
    /// timeout apart, see <see cref="DeserializeStoreItems"/>).
    /// </summary>
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

    /// <summary>
    /// Reads the bare item collection, uncompressed, in the dialect: what Microsoft.Web.RedisSessionStateProvider v5
    /// stores (<c>SessionStateItemCollection.Serialize</c> output, which on Mono is Mono's layout).
    /// </summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid item collection.</exception>
    public SessionStateItemCollection DeserializeItems(ReadOnlyMemory<byte> bytes)
    {
        var items = Dialect == LegacySessionDialect.Mono
            ? MonoSessionStateSerializer.Deserialize(bytes)
            : SessionStateSerializer.DeserializeItems(bytes);
        items.ValueSerializer = Values;
        return items;
    }

    /// <summary>Writes the bare item collection, uncompressed, in the dialect.</summary>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt, or (Mono) an item cannot be written in Mono's format.</exception>
    public byte[] SerializeItems(SessionStateItemCollection items) => Dialect == LegacySessionDialect.Mono
        ? MonoSessionStateSerializer.Serialize(items)
        : SessionStateSerializer.SerializeItems(items);

    /// <summary>
    /// Reads a session a store keeps as its items with the timeout beside them: in Mono's dialect the
    /// <c>CollectionData</c> of Mono's state server (GZip when <see cref="CompressionEnabled"/>; empty means no items);
    /// in Microsoft's, the whole blob of <see cref="Deserialize(ReadOnlyMemory{byte})"/>, whose own timeout wins.
    /// </summary>
    /// <param name="bytes">The stored bytes.</param>
    /// <param name="timeoutMinutes">The timeout the store keeps beside the items.</param>
    /// <exception cref="LegacySessionFormatException">The bytes are not valid in the dialect.</exception>
    public SessionStateData DeserializeStoreItems(ReadOnlyMemory<byte> bytes, int timeoutMinutes)
    {
        if (Dialect == LegacySessionDialect.Microsoft)
        {
            return Deserialize(bytes);
        }

        var items = MonoSessionStateSerializer.Deserialize(bytes, CompressionEnabled, MaxUncompressedLength);
        items.ValueSerializer = Values;
        return new SessionStateData(timeoutMinutes, items);
    }

    /// <summary>
    /// Writes a session for a store that keeps the timeout beside the items: Mono's <c>CollectionData</c> (GZip when
    /// <see cref="CompressionEnabled"/>) in Mono's dialect, the whole blob in Microsoft's.
    /// </summary>
    /// <exception cref="LegacySessionFormatException">
    /// An untouched value's stored bytes are corrupt; or (Mono) an item cannot be written in Mono's format, or the data
    /// carries a static objects section of Microsoft's format, which Mono's layout has no place for.
    /// </exception>
    public byte[] SerializeStoreItems(SessionStateData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Dialect == LegacySessionDialect.Microsoft)
        {
            return Serialize(data);
        }

        if (data.StaticObjects is not null)
        {
            throw new LegacySessionFormatException(
                "The session carries a static objects section of Microsoft's format, which Mono's item collection cannot hold.");
        }

        return MonoSessionStateSerializer.Serialize(data.Items, CompressionEnabled);
    }
}
