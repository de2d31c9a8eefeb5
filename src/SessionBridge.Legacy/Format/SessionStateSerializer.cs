using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// Reads and writes the session blob of System.Web's <c>SessionStateUtility</c>, byte for byte as the legacy
/// application does, and the bare item collection that Microsoft.Web.RedisSessionStateProvider v5 stores.
/// </summary>
/// <remarks>
/// <para>Blob layout (../spec/legacy-session-format.md §1.1, all integers little-endian):</para>
/// <code>
/// Int32   timeout in minutes
/// Boolean hasItems          (0 when there are no items)
/// Boolean hasStaticObjects
/// [items]                   SessionStateItemCollection layout, when hasItems
/// [static objects]          HttpStaticObjectsCollection layout, when hasStaticObjects
/// Byte    0xFF              end marker; bytes after it are ignored
/// </code>
/// <para>
/// With <c>compressionEnabled="true"</c> the stored bytes are the raw DEFLATE stream of that blob followed by one
/// 0xFF byte, which readers do not need (§1.2). The reader inflates completely (it never relies on one read filling
/// a buffer) up to a size limit, so a small hostile blob cannot expand without bound.
/// </para>
/// <para>
/// Reading keeps a reference to the given memory: untouched values are slices of it and are written back from it,
/// so the caller must not change that memory while the result is in use.
/// </para>
/// </remarks>
public static class SessionStateSerializer
{
    /// <summary>The default limit on the inflated size of a compressed blob: 64 MiB.</summary>
    public const int DefaultMaxUncompressedLength = 64 * 1024 * 1024;

    private const byte EndMarker = 0xFF;

    /// <summary>Reads a session blob.</summary>
    /// <param name="blob">The stored bytes.</param>
    /// <param name="compressed">Whether the legacy application has <c>compressionEnabled="true"</c>.</param>
    /// <param name="maxUncompressedLength">The largest inflated size accepted for a compressed blob.</param>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid session blob.</exception>
    public static SessionStateData Deserialize(ReadOnlyMemory<byte> blob, bool compressed = false, int maxUncompressedLength = DefaultMaxUncompressedLength)
    {
        if (compressed)
        {
            blob = Inflate(blob, maxUncompressedLength);
        }

        var reader = new BlobReader(blob.Span, "session blob");
        var timeout = reader.ReadInt32();
        var hasItems = reader.ReadBoolean();
        var hasStaticObjects = reader.ReadBoolean();
        var items = hasItems ? SessionStateItemCollection.Read(ref reader, blob) : new SessionStateItemCollection();
        var staticObjects = hasStaticObjects ? SessionStateStaticObjects.Read(ref reader, blob) : null;
        var markerPosition = reader.Position;
        if (reader.Remaining == 0 || reader.ReadByte() != EndMarker)
        {
            throw reader.Fail(markerPosition, "the end marker 0xFF is missing.");
        }

        return new SessionStateData(timeout, items, staticObjects);
    }

    /// <summary>
    /// Reads a session blob whose type-20 values are read and written as objects through a
    /// <see cref="Values.LegacyValueSerializer"/> (see <see cref="SessionStateItemCollection.ValueSerializer"/>).
    /// </summary>
    /// <inheritdoc cref="Deserialize(ReadOnlyMemory{byte}, bool, int)"/>
    /// <param name="blob">The stored bytes.</param>
    /// <param name="valueSerializer">Decodes and encodes the type-20 values.</param>
    /// <param name="compressed">Whether the legacy application has <c>compressionEnabled="true"</c>.</param>
    /// <param name="maxUncompressedLength">The largest inflated size accepted for a compressed blob.</param>
    public static SessionStateData Deserialize(ReadOnlyMemory<byte> blob, Values.LegacyValueSerializer valueSerializer, bool compressed = false, int maxUncompressedLength = DefaultMaxUncompressedLength)
    {
        ArgumentNullException.ThrowIfNull(valueSerializer);
        var data = Deserialize(blob, compressed, maxUncompressedLength);
        data.Items.ValueSerializer = valueSerializer;
        return data;
    }

    /// <summary>Reads the bare item collection, with its type-20 values read and written through a serializer.</summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid item collection.</exception>
    public static SessionStateItemCollection DeserializeItems(ReadOnlyMemory<byte> bytes, Values.LegacyValueSerializer valueSerializer)
    {
        ArgumentNullException.ThrowIfNull(valueSerializer);
        var items = DeserializeItems(bytes);
        items.ValueSerializer = valueSerializer;
        return items;
    }

    /// <summary>Reads the bare item collection (what Microsoft.Web.RedisSessionStateProvider v5 stores).</summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid item collection.</exception>
    public static SessionStateItemCollection DeserializeItems(ReadOnlyMemory<byte> bytes)
    {
        var reader = new BlobReader(bytes.Span, "session item collection");
        return SessionStateItemCollection.Read(ref reader, bytes);
    }

    /// <summary>Writes a session blob.</summary>
    /// <param name="data">The session.</param>
    /// <param name="compressed">Whether to write the <c>compressionEnabled="true"</c> form.</param>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt, so it cannot be written back.</exception>
    public static byte[] Serialize(SessionStateData data, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!compressed)
        {
            var blob = new byte[GetSerializedLength(data)];
            WriteUncompressed(data, blob);
            return blob;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(data, buffer, compressed);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a session blob to a buffer writer.</summary>
    /// <inheritdoc cref="Serialize(SessionStateData, bool)"/>
    public static void Serialize(SessionStateData data, IBufferWriter<byte> destination, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(destination);

        var length = GetSerializedLength(data);
        if (!compressed)
        {
            var span = destination.GetSpan(length);
            WriteUncompressed(data, span);
            destination.Advance(length);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            WriteUncompressed(data, rented);
            using (var deflate = new DeflateStream(new BufferWriterStream(destination), CompressionLevel.Optimal))
            {
                deflate.Write(rented, 0, length);
            }

            destination.GetSpan(1)[0] = EndMarker;
            destination.Advance(1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the bare item collection (what Microsoft.Web.RedisSessionStateProvider v5 stores).</summary>
    /// <exception cref="LegacySessionFormatException">An untouched value's stored offsets are corrupt, so it cannot be written back.</exception>
    public static byte[] SerializeItems(SessionStateItemCollection items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var buffer = new byte[items.GetSerializedSize()];
        _ = items.Write(buffer);
        return buffer;
    }

    /// <summary>Writes the bare item collection to a buffer writer.</summary>
    /// <inheritdoc cref="SerializeItems(SessionStateItemCollection)"/>
    public static void SerializeItems(SessionStateItemCollection items, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(destination);
        var length = items.GetSerializedSize();
        _ = items.Write(destination.GetSpan(length));
        destination.Advance(length);
    }

    /// <summary>The length of the uncompressed blob <see cref="Serialize(SessionStateData, bool)"/> writes.</summary>
    public static int GetSerializedLength(SessionStateData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var length = 4 + 1 + 1 + 1;
        if (data.Items.Count > 0)
        {
            length += data.Items.GetSerializedSize();
        }

        return length + (data.StaticObjects?.RawBytes.Length ?? 0);
    }

    private static void WriteUncompressed(SessionStateData data, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, data.Timeout);
        var hasItems = data.Items.Count > 0;
        destination[4] = hasItems ? (byte)1 : (byte)0;
        destination[5] = data.StaticObjects is null ? (byte)0 : (byte)1;
        var position = 6;
        if (hasItems)
        {
            position += data.Items.Write(destination[position..]);
        }

        if (data.StaticObjects is { } staticObjects)
        {
            staticObjects.RawBytes.Span.CopyTo(destination[position..]);
            position += staticObjects.RawBytes.Length;
        }

        destination[position] = EndMarker;
    }

    private static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> compressed, int maxLength)
    {
        using var input = new ReadOnlyMemoryStream(compressed);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength, nameof(maxLength));
        var output = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(compressed.Length * 4L, 256), maxLength));
        try
        {
            while (true)
            {
                var span = output.GetSpan(4096);
                var read = deflate.Read(span);
                if (read == 0)
                {
                    return output.WrittenMemory;
                }

                output.Advance(read);
                if (output.WrittenCount > maxLength)
                {
                    throw new LegacySessionFormatException(
                        $"The compressed session blob inflates to more than {maxLength} bytes, the configured limit.");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new LegacySessionFormatException(
                "The compressed session blob is not a valid raw DEFLATE stream. If the legacy application does not set " +
                "compressionEnabled=\"true\", read it uncompressed. " + ex.Message,
                ex);
        }
    }
}
