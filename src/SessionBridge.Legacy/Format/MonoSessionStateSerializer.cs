using System.Buffers;
using System.Buffers.Binary;
using System.Formats.Nrbf;
using System.IO.Compression;
using System.Runtime.Serialization;
using System.Text;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// Reads and writes the session items in Mono's format (the "Mono dialect"): what Mono's System.Web
/// <c>SessionStateItemCollection.Serialize</c> writes, i.e. the <c>CollectionData</c> of Mono's state server and the
/// <c>_SessionStateItemCollection</c> value of Microsoft's Redis provider v5 running on Mono.
/// </summary>
/// <remarks>
/// <para>Layout (../spec/mono-legacy.md §2; all integers little-endian, strings as <c>BinaryWriter</c> writes them):</para>
/// <code>
/// Int32   count                 (0 or less: no items)
/// count × String  key           7-bit encoded UTF-8 byte length, then the bytes; never null
///         Byte    System.TypeCode
///         payload               by type code:
///           0 Empty, 2 DBNull   nothing
///           3 Boolean 1, 4 Char UTF-8 (1-3 bytes), 5 SByte 1, 6 Byte 1, 7 Int16 2, 8 UInt16 2, 9 Int32 4,
///           10 UInt32 4, 11 Int64 8, 12 UInt64 8, 13 Single 4, 14 Double 8, 15 Decimal 16 (lo, mid, hi, flags),
///           16 DateTime 8 (ticks only), 18 String (as a key)
///           1 Object            a BinaryFormatter ([MS-NRBF]) stream up to its MessageEnd record; every other
///                               type, Guid and TimeSpan included
/// </code>
/// <para>
/// With <c>compressionEnabled="true"</c> Mono GZips those bytes; the reader inflates up to a size limit, so a small
/// hostile input cannot expand without bound. Mono has no null key, no offset table and no end marker; an unknown type
/// code is an error (Mono's reader throws), and so are duplicate keys (Mono's writer never writes them).
/// </para>
/// <para>
/// The items are the same <see cref="SessionStateItemCollection"/> the Microsoft format reads: keys are known at
/// once, each value is decoded on first access, and untouched values are written back byte for byte. The layout has
/// no lengths, so reading finds where each value ends, which for an object value means walking its NRBF records
/// (with System.Formats.Nrbf, which loads no type); the object itself is decoded only when it is read.
/// A <c>DBNull</c> value reads as <see langword="null"/>; while untouched it is written back as DBNull.
/// Writing refuses what Mono's format cannot hold: the null key, and <see cref="IntPtr"/>/<see cref="UIntPtr"/> values.
/// <see cref="Guid"/> and <see cref="TimeSpan"/> values are written as the NRBF streams Mono's BinaryFormatter writes
/// for them, byte for byte.
/// </para>
/// <para>
/// Reading keeps a reference to the given memory only through a copy in the Microsoft layout, which the collection
/// holds; the caller may reuse its buffer afterwards.
/// </para>
/// <para>
/// Mono's <c>StaticObjectsData</c> (session-scoped <c>&lt;object&gt;</c> tags, a separate array in Mono's state
/// server) is not part of this format; stores carry it as opaque bytes.
/// </para>
/// </remarks>
public static class MonoSessionStateSerializer
{
    // The "Mono" type bytes are System.TypeCode values.
    private const byte Empty = (byte)TypeCode.Empty;
    private const byte MonoObject = (byte)TypeCode.Object;
    private const byte DBNull = (byte)TypeCode.DBNull;

    // In the Microsoft-layout copy a Mono DBNull is kept as the type byte 0, which System.Web never writes and which
    // reads as null; the writer turns it back into DBNull.
    private const byte DBNullMarker = (byte)SessionValueTypeCode.Unknown;

    private static readonly byte[] s_nrbfHeader = [0x00, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    // SystemClassWithMembersAndTypes, object id 1, "System.Guid", 11 members _a.._k: Int32, Int16, Int16, 8 × Byte.
    private static readonly byte[] s_guidPrefix = BuildGuidPrefix();

    // SystemClassWithMembersAndTypes, object id 1, "System.TimeSpan", 1 member _ticks: Int64.
    private static readonly byte[] s_timeSpanPrefix = BuildTimeSpanPrefix();

    /// <summary>Reads Mono's item collection.</summary>
    /// <param name="collectionData">The stored bytes; empty means no items, as in Mono.</param>
    /// <param name="compressed">Whether the Mono application has <c>compressionEnabled="true"</c> (GZip).</param>
    /// <param name="maxUncompressedLength">The largest inflated size accepted for compressed data.</param>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid Mono item collection.</exception>
    public static SessionStateItemCollection Deserialize(ReadOnlyMemory<byte> collectionData, bool compressed = false, int maxUncompressedLength = SessionStateSerializer.DefaultMaxUncompressedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxUncompressedLength);
        if (collectionData.IsEmpty)
        {
            return new SessionStateItemCollection();
        }

        if (compressed)
        {
            collectionData = Inflate(collectionData, maxUncompressedLength);
        }

        var microsoftLayout = ToMicrosoftLayout(collectionData);
        return microsoftLayout is null
            ? new SessionStateItemCollection()
            : SessionStateSerializer.DeserializeItems(microsoftLayout);
    }

    /// <summary>Reads Mono's item collection, with its object values read and written through a serializer.</summary>
    /// <inheritdoc cref="Deserialize(ReadOnlyMemory{byte}, bool, int)"/>
    /// <param name="collectionData">The stored bytes; empty means no items, as in Mono.</param>
    /// <param name="valueSerializer">Decodes and encodes the object values.</param>
    /// <param name="compressed">Whether the Mono application has <c>compressionEnabled="true"</c> (GZip).</param>
    /// <param name="maxUncompressedLength">The largest inflated size accepted for compressed data.</param>
    public static SessionStateItemCollection Deserialize(ReadOnlyMemory<byte> collectionData, Values.LegacyValueSerializer valueSerializer, bool compressed = false, int maxUncompressedLength = SessionStateSerializer.DefaultMaxUncompressedLength)
    {
        ArgumentNullException.ThrowIfNull(valueSerializer);
        var items = Deserialize(collectionData, compressed, maxUncompressedLength);
        items.ValueSerializer = valueSerializer;
        return items;
    }

    /// <summary>
    /// Writes the items as Mono's <c>SessionStateItemCollection.Serialize</c> does (an empty collection is the count 0;
    /// Mono's state server client sends no array at all for it).
    /// </summary>
    /// <param name="items">The items.</param>
    /// <param name="compressed">Whether to GZip the bytes, as Mono does with <c>compressionEnabled="true"</c>.</param>
    /// <exception cref="LegacySessionFormatException">An item cannot be written in Mono's format (the null key, an IntPtr), or an untouched value's stored bytes are corrupt.</exception>
    public static byte[] Serialize(SessionStateItemCollection items, bool compressed = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(items, buffer, compressed);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the items in Mono's format to a buffer writer.</summary>
    /// <inheritdoc cref="Serialize(SessionStateItemCollection, bool)"/>
    public static void Serialize(SessionStateItemCollection items, IBufferWriter<byte> destination, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(destination);
        var microsoftLayout = SessionStateSerializer.SerializeItems(items);
        if (!compressed)
        {
            WriteMonoLayout(microsoftLayout, destination);
            return;
        }

        var plain = new ArrayBufferWriter<byte>(microsoftLayout.Length + 64);
        WriteMonoLayout(microsoftLayout, plain);
        using var gzip = new GZipStream(new BufferWriterStream(destination), CompressionLevel.Optimal);
        gzip.Write(plain.WrittenSpan);
    }

    /// <summary>
    /// Re-writes Mono's layout as System.Web's (count, null-key index -1, keys, value end offsets, values), with each
    /// value's type byte translated and its payload copied unchanged; <see langword="null"/> for no items.
    /// </summary>
    private static byte[]? ToMicrosoftLayout(ReadOnlyMemory<byte> source)
    {
        var mono = source.Span;
        var reader = new BlobReader(mono, "Mono session item collection");
        var count = reader.ReadInt32();
        if (count < 0)
        {
            // Mono: new SessionStateItemCollection(count) throws for a negative capacity.
            throw reader.Fail(0, $"the item count {count} is negative.");
        }

        if (count == 0)
        {
            return null;
        }

        // Every item needs at least a 1-byte key length and a type byte: refuse a count the bytes cannot hold.
        if ((long)count * 2 > reader.Remaining)
        {
            throw reader.Fail(0, $"it claims {count} items, more than the {reader.Remaining} remaining bytes can hold.");
        }

        var slots = ArrayPool<Slot>.Shared.Rent(count);
        try
        {
            var keyBytes = 0;
            var valueBytes = 0;
            for (var i = 0; i < count; i++)
            {
                var keyStart = reader.Position;
                _ = reader.ReadStringBytes("a key", out _);
                var keyEnd = reader.Position;
                var codePosition = reader.Position;
                var code = reader.ReadByte();
                var payloadStart = reader.Position;
                var translated = SkipPayload(ref reader, source, code, codePosition);
                slots[i] = new Slot(keyStart, keyEnd, translated, payloadStart, reader.Position);
                keyBytes += keyEnd - keyStart;
                valueBytes += 1 + reader.Position - payloadStart;
            }

            if (reader.Remaining != 0)
            {
                // Mono's reader would ignore them and its writer never writes them: refuse rather than drop them.
                throw reader.Fail(reader.Position, $"{reader.Remaining} bytes follow the last of the {count} items.");
            }

            var output = new byte[8 + keyBytes + (4 * count) + valueBytes];
            BinaryPrimitives.WriteInt32LittleEndian(output, count);
            BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(4), -1);
            var position = 8;
            for (var i = 0; i < count; i++)
            {
                var key = mono[slots[i].KeyStart..slots[i].KeyEnd];
                key.CopyTo(output.AsSpan(position));
                position += key.Length;
            }

            var offsets = position;
            position += 4 * count;
            var valuesStart = position;
            for (var i = 0; i < count; i++)
            {
                output[position++] = slots[i].Code;
                var payload = mono[slots[i].PayloadStart..slots[i].PayloadEnd];
                payload.CopyTo(output.AsSpan(position));
                position += payload.Length;
                BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(offsets + (4 * i)), position - valuesStart);
            }

            return output;
        }
        finally
        {
            ArrayPool<Slot>.Shared.Return(slots);
        }
    }

    /// <summary>Skips one Mono payload and returns the System.Web type byte the value has in the Microsoft layout.</summary>
    private static byte SkipPayload(ref BlobReader reader, ReadOnlyMemory<byte> source, byte code, int codePosition)
    {
        switch ((TypeCode)code)
        {
            case TypeCode.Empty:
                return (byte)SessionValueTypeCode.Null;
            case TypeCode.DBNull:
                return DBNullMarker;
            case TypeCode.Boolean:
                _ = reader.ReadBytes(1, "a Boolean");
                return (byte)SessionValueTypeCode.Boolean;
            case TypeCode.Char:
                SkipChar(ref reader);
                return (byte)SessionValueTypeCode.Char;
            case TypeCode.SByte:
                _ = reader.ReadBytes(1, "an SByte");
                return (byte)SessionValueTypeCode.SByte;
            case TypeCode.Byte:
                _ = reader.ReadBytes(1, "a Byte");
                return (byte)SessionValueTypeCode.Byte;
            case TypeCode.Int16:
                _ = reader.ReadBytes(2, "an Int16");
                return (byte)SessionValueTypeCode.Int16;
            case TypeCode.UInt16:
                _ = reader.ReadBytes(2, "a UInt16");
                return (byte)SessionValueTypeCode.UInt16;
            case TypeCode.Int32:
                _ = reader.ReadBytes(4, "an Int32");
                return (byte)SessionValueTypeCode.Int32;
            case TypeCode.UInt32:
                _ = reader.ReadBytes(4, "a UInt32");
                return (byte)SessionValueTypeCode.UInt32;
            case TypeCode.Int64:
                _ = reader.ReadBytes(8, "an Int64");
                return (byte)SessionValueTypeCode.Int64;
            case TypeCode.UInt64:
                _ = reader.ReadBytes(8, "a UInt64");
                return (byte)SessionValueTypeCode.UInt64;
            case TypeCode.Single:
                _ = reader.ReadBytes(4, "a Single");
                return (byte)SessionValueTypeCode.Single;
            case TypeCode.Double:
                _ = reader.ReadBytes(8, "a Double");
                return (byte)SessionValueTypeCode.Double;
            case TypeCode.Decimal:
                _ = reader.ReadBytes(16, "a Decimal");
                return (byte)SessionValueTypeCode.Decimal;
            case TypeCode.DateTime:
                _ = reader.ReadBytes(8, "a DateTime");
                return (byte)SessionValueTypeCode.DateTime;
            case TypeCode.String:
                _ = reader.ReadStringBytes("a string value", out _);
                return (byte)SessionValueTypeCode.String;
            case TypeCode.Object:
                var length = GetNrbfLength(source[reader.Position..], codePosition);
                _ = reader.ReadBytes(length, "an object value");
                return (byte)SessionValueTypeCode.Object;
            default:
                throw reader.Fail(codePosition, $"the type code {code} is not one Mono's System.Web writes (Mono's reader refuses it).");
        }
    }

    /// <summary>As <c>BinaryReader.ReadChar</c> consumes one UTF-8 sequence (the Microsoft reader's rule, which decodes it).</summary>
    private static void SkipChar(ref BlobReader reader)
    {
        var start = reader.Position;
        var first = reader.ReadByte();
        if (first is >= 0xF0 and <= 0xF4)
        {
            throw reader.Fail(start, "the Char value is a 4-byte UTF-8 sequence, which needs two UTF-16 chars.");
        }

        var more = first switch
        {
            >= 0xE0 and < 0xF0 => 2,
            >= 0xC2 and < 0xE0 => 1,
            _ => 0,
        };
        _ = reader.ReadBytes(more, "a Char");
    }

    /// <summary>
    /// The length of the NRBF stream at the start of <paramref name="rest"/>: Mono writes no length, so the stream is
    /// walked up to its MessageEnd record with System.Formats.Nrbf, which loads and creates no type.
    /// </summary>
    private static int GetNrbfLength(ReadOnlyMemory<byte> rest, int codePosition)
    {
        // Mono's Guid and TimeSpan streams are fixed records of primitives: their end is known without a decoder.
        var span = rest.Span;
        if (FixedLength(span, s_guidPrefix, 16) is > 0 and var guid)
        {
            return guid;
        }

        if (FixedLength(span, s_timeSpanPrefix, 8) is > 0 and var timeSpan)
        {
            return timeSpan;
        }

        using var stream = new ReadOnlyMemoryStream(rest);
        try
        {
            _ = NrbfDecoder.Decode(stream, leaveOpen: true);
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or EndOfStreamException
            or DecoderFallbackException or IOException or ArgumentException or OverflowException or FormatException
            or InvalidOperationException)
        {
            throw new LegacySessionFormatException(
                $"The Mono session item collection is invalid at byte {codePosition}: the object value is not a valid BinaryFormatter stream: {ex.Message}",
                ex);
        }

        return (int)stream.Position;
    }

    /// <summary>The length of a stream made of <paramref name="prefix"/>, <paramref name="payload"/> bytes and MessageEnd, or 0.</summary>
    private static int FixedLength(ReadOnlySpan<byte> stream, byte[] prefix, int payload) =>
        stream.Length > prefix.Length + payload && stream[prefix.Length + payload] == 0x0B && stream.StartsWith(prefix)
            ? prefix.Length + payload + 1
            : 0;

    /// <summary>Writes Mono's layout from the Microsoft layout <see cref="SessionStateSerializer.SerializeItems(SessionStateItemCollection)"/> wrote.</summary>
    private static void WriteMonoLayout(ReadOnlySpan<byte> microsoft, IBufferWriter<byte> destination)
    {
        var reader = new BlobReader(microsoft, "session item collection");
        var count = reader.ReadInt32();
        if (count <= 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination.GetSpan(4), 0);
            destination.Advance(4);
            return;
        }

        var nullKeyIndex = reader.ReadInt32();
        if (nullKeyIndex >= 0 && nullKeyIndex < count)
        {
            throw new LegacySessionFormatException(
                "The session holds an item under the null key, which Mono's format cannot store (Mono's writer throws for it); remove that item or use a key.");
        }

        var keysStart = reader.Position;
        for (var i = 0; i < count; i++)
        {
            _ = reader.ReadStringBytes("a key", out _);
        }

        var keysEnd = reader.Position;
        var offsets = reader.ReadBytes(4 * count, "the offset table");
        var values = microsoft[reader.Position..];

        BinaryPrimitives.WriteInt32LittleEndian(destination.GetSpan(4), count);
        destination.Advance(4);
        var keys = new BlobReader(microsoft[keysStart..keysEnd], "session item collection");
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var keyStart = keys.Position;
            var keyText = keys.ReadStringBytes("a key", out _);
            Write(destination, microsoft.Slice(keysStart + keyStart, keys.Position - keyStart));
            var end = BinaryPrimitives.ReadInt32LittleEndian(offsets[(4 * i)..]);
            if (start < 0 || end <= start || end > values.Length)
            {
                throw new LegacySessionFormatException(
                    $"The value under key '{Encoding.UTF8.GetString(keyText)}' has the slot [{start}, {end}) outside the values region; it cannot be written.");
            }

            WriteValue(destination, values[start..end], keyText);
            start = end;
        }
    }

    private static void WriteValue(IBufferWriter<byte> destination, ReadOnlySpan<byte> slot, ReadOnlySpan<byte> key)
    {
        var payload = slot[1..];
        switch ((SessionValueTypeCode)slot[0])
        {
            case SessionValueTypeCode.Null:
                WriteByte(destination, Empty);
                break;
            case (SessionValueTypeCode)DBNullMarker:
                WriteByte(destination, DBNull);
                break;
            case SessionValueTypeCode.String:
                WriteTagged(destination, TypeCode.String, payload);
                break;
            case SessionValueTypeCode.Int32:
                WriteTagged(destination, TypeCode.Int32, payload);
                break;
            case SessionValueTypeCode.Boolean:
                WriteTagged(destination, TypeCode.Boolean, payload);
                break;
            case SessionValueTypeCode.DateTime:
                WriteTagged(destination, TypeCode.DateTime, payload);
                break;
            case SessionValueTypeCode.Decimal:
                WriteTagged(destination, TypeCode.Decimal, payload);
                break;
            case SessionValueTypeCode.Byte:
                WriteTagged(destination, TypeCode.Byte, payload);
                break;
            case SessionValueTypeCode.Char:
                WriteTagged(destination, TypeCode.Char, payload);
                break;
            case SessionValueTypeCode.Single:
                WriteTagged(destination, TypeCode.Single, payload);
                break;
            case SessionValueTypeCode.Double:
                WriteTagged(destination, TypeCode.Double, payload);
                break;
            case SessionValueTypeCode.SByte:
                WriteTagged(destination, TypeCode.SByte, payload);
                break;
            case SessionValueTypeCode.Int16:
                WriteTagged(destination, TypeCode.Int16, payload);
                break;
            case SessionValueTypeCode.Int64:
                WriteTagged(destination, TypeCode.Int64, payload);
                break;
            case SessionValueTypeCode.UInt16:
                WriteTagged(destination, TypeCode.UInt16, payload);
                break;
            case SessionValueTypeCode.UInt32:
                WriteTagged(destination, TypeCode.UInt32, payload);
                break;
            case SessionValueTypeCode.UInt64:
                WriteTagged(destination, TypeCode.UInt64, payload);
                break;
            case SessionValueTypeCode.Object:
                WriteTagged(destination, TypeCode.Object, payload);
                break;
            case SessionValueTypeCode.Guid when payload.Length >= 16:
                WriteByte(destination, MonoObject);
                Write(destination, s_guidPrefix);
                Write(destination, payload[..16]);
                WriteByte(destination, 0x0B);
                break;
            case SessionValueTypeCode.TimeSpan when payload.Length >= 8:
                WriteByte(destination, MonoObject);
                Write(destination, s_timeSpanPrefix);
                Write(destination, payload[..8]);
                WriteByte(destination, 0x0B);
                break;
            default:
                throw new LegacySessionFormatException(
                    $"The value under key '{Encoding.UTF8.GetString(key)}' has the System.Web type code {slot[0]}, which Mono's format cannot store " +
                    "(IntPtr and UIntPtr have no Mono encoding); store another type.");
        }
    }

    private static void WriteTagged(IBufferWriter<byte> destination, TypeCode code, ReadOnlySpan<byte> payload)
    {
        WriteByte(destination, (byte)code);
        Write(destination, payload);
    }

    private static void WriteByte(IBufferWriter<byte> destination, byte value)
    {
        destination.GetSpan(1)[0] = value;
        destination.Advance(1);
    }

    private static void Write(IBufferWriter<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination.GetSpan(bytes.Length));
        destination.Advance(bytes.Length);
    }

    private static byte[] BuildGuidPrefix()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(buffer, s_nrbfHeader);
        WriteClassHeader(buffer, "System.Guid", ["_a", "_b", "_c", "_d", "_e", "_f", "_g", "_h", "_i", "_j", "_k"]);
        // BinaryTypeEnum.Primitive for every member, then the primitive types: Int32 (8), Int16 (7) twice, Byte (2) × 8.
        Write(buffer, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2]);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BuildTimeSpanPrefix()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, s_nrbfHeader);
        WriteClassHeader(buffer, "System.TimeSpan", ["_ticks"]);
        // BinaryTypeEnum.Primitive, PrimitiveTypeEnum.Int64 (9).
        Write(buffer, [0, 9]);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>SystemClassWithMembersAndTypes (record type 4), object id 1, the class name and the member names.</summary>
    private static void WriteClassHeader(ArrayBufferWriter<byte> buffer, string name, string[] members)
    {
        WriteByte(buffer, 0x04);
        Span<byte> int32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(int32, 1);
        Write(buffer, int32);
        WriteAsciiString(buffer, name);
        BinaryPrimitives.WriteInt32LittleEndian(int32, members.Length);
        Write(buffer, int32);
        foreach (var member in members)
        {
            WriteAsciiString(buffer, member);
        }
    }

    private static void WriteAsciiString(ArrayBufferWriter<byte> buffer, string text)
    {
        WriteByte(buffer, checked((byte)text.Length));
        Write(buffer, Encoding.ASCII.GetBytes(text));
    }

    private static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> compressed, int maxLength)
    {
        using var input = new ReadOnlyMemoryStream(compressed);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var output = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(compressed.Length * 4L, 256), maxLength));
        try
        {
            while (true)
            {
                var read = gzip.Read(output.GetSpan(4096));
                if (read == 0)
                {
                    return output.WrittenMemory;
                }

                output.Advance(read);
                if (output.WrittenCount > maxLength)
                {
                    throw new LegacySessionFormatException(
                        $"The compressed Mono session data inflates to more than {maxLength} bytes, the configured limit.");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new LegacySessionFormatException(
                "The compressed Mono session data is not a valid GZip stream. If the Mono application does not set " +
                "compressionEnabled=\"true\", read it uncompressed. " + ex.Message,
                ex);
        }
    }

    private readonly record struct Slot(int KeyStart, int KeyEnd, byte Code, int PayloadStart, int PayloadEnd);
}
