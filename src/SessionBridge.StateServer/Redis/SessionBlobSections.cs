using System.Buffers.Binary;
using System.IO.Compression;
using SessionBridge.Legacy.Format;

namespace SessionBridge.StateServer.Redis;

/// <summary>
/// Splits a System.Web session blob into the sections the provider v5 layout keeps apart, and joins them back, moving
/// bytes only: values are never decoded or re-encoded.
/// </summary>
/// <remarks>
/// <para>Blob layout (../spec/legacy-session-format.md §1.1, <see cref="SessionStateSerializer"/>):</para>
/// <code>
/// Int32 timeout | Boolean hasItems | Boolean hasStaticObjects | [items] | [static objects] | Byte 0xFF
/// items = Int32 count, when count &gt; 0: Int32 nullKeyIndex, count - (null key) 7-bit-length UTF-8 keys,
///         count Int32 end offsets, the values region (the last offset long)
/// </code>
/// <para>
/// Splitting checks the structure (every length within the blob, the end marker) without
/// allocating per key or value; the static objects section, rare and made of type names and BinaryFormatter streams,
/// is measured by <see cref="SessionStateStaticObjects"/>. A compressed blob (<c>compressionEnabled</c>) is inflated
/// first and the joined blob deflated again: the one case where the server touches more than bytes.
/// </para>
/// </remarks>
internal static class SessionBlobSections
{
    private const byte EndMarker = 0xFF;

    /// <summary>The bare item collection of no items, as <see cref="SessionStateSerializer.SerializeItems(SessionStateItemCollection)"/> writes it.</summary>
    public static readonly byte[] EmptyItems = SessionStateSerializer.SerializeItems(new SessionStateItemCollection());

    /// <summary>Splits <paramref name="blob"/>.</summary>
    /// <param name="blob">The PUT body.</param>
    /// <param name="format">Whether the blob is compressed, and the inflation limit.</param>
    /// <param name="items">The bare item collection (<see cref="EmptyItems"/> when the blob has none).</param>
    /// <param name="staticObjects">The static objects section, or empty when <paramref name="hasStaticObjects"/> is false.</param>
    /// <param name="hasStaticObjects">Whether the blob carries a static objects section.</param>
    /// <exception cref="LegacySessionFormatException">The bytes are not a session blob.</exception>
    public static void Split(ReadOnlyMemory<byte> blob, LegacySessionFormat format, out ReadOnlyMemory<byte> items, out ReadOnlyMemory<byte> staticObjects, out bool hasStaticObjects)
    {
        if (format.CompressionEnabled)
        {
            var data = format.Deserialize(blob);
            items = data.Items.Count > 0 ? SessionStateSerializer.SerializeItems(data.Items) : EmptyItems;
            hasStaticObjects = data.StaticObjects is not null;
            staticObjects = data.StaticObjects?.RawBytes ?? ReadOnlyMemory<byte>.Empty;
            return;
        }

        var reader = new BlobReader(blob.Span, "session blob");
        _ = reader.ReadInt32();
        var hasItems = reader.ReadBoolean();
        hasStaticObjects = reader.ReadBoolean();
        items = EmptyItems;
        if (hasItems)
        {
            var start = reader.Position;
            if (SkipItems(ref reader) > 0)
            {
                items = blob[start..reader.Position];
            }
        }

        staticObjects = ReadOnlyMemory<byte>.Empty;
        if (hasStaticObjects)
        {
            var start = reader.Position;
            _ = SessionStateStaticObjects.Read(ref reader, blob);
            staticObjects = blob[start..reader.Position];
        }

        var marker = reader.Position;
        if (reader.Remaining == 0 || reader.ReadByte() != EndMarker)
        {
            throw reader.Fail(marker, "the end marker 0xFF is missing.");
        }
    }

    /// <summary>The blob a client gets back: the header, the stored sections as they are, the end marker.</summary>
    /// <param name="timeoutMinutes">The item's timeout.</param>
    /// <param name="items">The stored bare item collection.</param>
    /// <param name="staticObjects">The stored static objects section.</param>
    /// <param name="hasStaticObjects">Whether there is a static objects section.</param>
    /// <param name="compressed">Whether to deflate the blob (<c>compressionEnabled</c>).</param>
    public static byte[] Join(int timeoutMinutes, ReadOnlySpan<byte> items, ReadOnlySpan<byte> staticObjects, bool hasStaticObjects, bool compressed)
    {
        var hasItems = items.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(items) > 0;
        var length = 4 + 1 + 1 + (hasItems ? items.Length : 0) + (hasStaticObjects ? staticObjects.Length : 0) + 1;
        var blob = new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(blob, timeoutMinutes);
        blob[4] = hasItems ? (byte)1 : (byte)0;
        blob[5] = hasStaticObjects ? (byte)1 : (byte)0;
        var offset = 6;
        if (hasItems)
        {
            items.CopyTo(blob.AsSpan(offset));
            offset += items.Length;
        }

        if (hasStaticObjects)
        {
            staticObjects.CopyTo(blob.AsSpan(offset));
            offset += staticObjects.Length;
        }

        blob[offset] = EndMarker;
        return compressed ? Deflate(blob) : blob;
    }

    /// <summary>Skips the item collection; returns its count (≤ 0: empty, only the count was there).</summary>
    private static int SkipItems(ref BlobReader reader)
    {
        var sectionStart = reader.Position;
        var count = reader.ReadInt32();
        if (count <= 0)
        {
            return count;
        }

        var nullKeyIndex = reader.ReadInt32();
        var hasNullKey = nullKeyIndex >= 0 && nullKeyIndex < count;
        if ((long)count * 5 - (hasNullKey ? 1 : 0) > reader.Remaining)
        {
            throw reader.Fail(sectionStart, $"it claims {count} items, more than the {reader.Remaining} remaining bytes can hold.");
        }

        for (var i = 0; i < count; i++)
        {
            if (i != nullKeyIndex)
            {
                _ = reader.ReadStringBytes("a key", out _);
            }
        }

        // The last end offset is the values region's length (as for SessionStateItemCollection's reader, earlier ones
        // only delimit values, which this server never reads).
        var end = 0;
        for (var i = 0; i < count; i++)
        {
            end = reader.ReadInt32();
        }

        if (end < 0)
        {
            throw reader.Fail(reader.Position - 4, $"the values region has the negative length {end}.");
        }

        _ = reader.ReadBytes(end, $"the values region of {end} bytes");
        return count;
    }

    private static byte[] Deflate(byte[] blob)
    {
        using var output = new MemoryStream(blob.Length / 2 + 16);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(blob);
        }

        output.WriteByte(EndMarker);
        return output.ToArray();
    }
}
