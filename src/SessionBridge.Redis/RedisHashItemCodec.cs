using System.Buffers.Binary;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;
using StackExchange.Redis;

namespace SessionBridge.Redis;

/// <summary>
/// The provider 2.x–4.x data HASH: one field per item, each value the item serialized alone by BinaryFormatter, i.e.
/// one [MS-NRBF] stream, which is what a type-20 value of System.Web's format holds
/// (../shared/spec/redis-provider-layout.md §1.3). Values go through the same <see cref="LegacyValueSerializer"/>
/// (type map, limits) as in every other layout.
/// </summary>
/// <remarks>
/// <para>
/// Reading builds the items in System.Web's collection layout and parses that, so they behave exactly as items read
/// from a v5 blob: keys known at once, each value decoded on first access. A field is kept as:
/// </para>
/// <code>
/// the provider's null marker (RedisNull)       null
/// a string or primitive, in exactly the bytes  that value (System.Web's own type code), so it reads without a
///   BinaryFormatter writes for it               value serializer and writes back to the same bytes
/// anything else                                type code 20 with the stream: a mapped object, a built-in shape or
///                                              a read-only view through the value serializer, else a SerializedObject
/// </code>
/// <para>
/// Writing encodes strings and primitives as BinaryFormatter does (<see cref="NrbfPrimitiveStream"/>), null as the
/// provider's marker (<see cref="RedisNullMarker"/>), other objects with the value serializer; a field the endpoint
/// did not touch is written with the bytes it was read with, or not at all. A value that cannot be encoded throws
/// <see cref="LegacySessionFormatException"/> naming the item.
/// </para>
/// </remarks>
internal static class RedisHashItemCodec
{
    /// <summary>Builds the collection from HGETALL's field/value list, and the snapshot of the fields as read.</summary>
    /// <exception cref="LegacySessionFormatException">Two fields have keys that System.Web's collection holds as one.</exception>
    public static (SessionStateItemCollection Items, RedisHashSnapshot Snapshot) Read(RedisResult[] fieldsAndValues, LegacyValueSerializer? values)
    {
        var count = fieldsAndValues.Length / 2;
        var snapshot = new RedisHashSnapshot(count);
        if (count == 0)
        {
            return (new SessionStateItemCollection { ValueSerializer = values, Dirty = false }, snapshot);
        }

        var keys = new byte[count][];
        var slots = new byte[count][];
        var keyBytes = 0;
        var valueBytes = 0;
        for (var i = 0; i < count; i++)
        {
            var name = (byte[]?)fieldsAndValues[2 * i] ?? [];
            var bytes = (byte[]?)fieldsAndValues[(2 * i) + 1] ?? [];
            var isNull = bytes.Length == 0 || RedisNullMarker.IsMarker(bytes);
            snapshot.Add(FieldName(name), bytes, isNull && bytes.Length > 0);
            keys[i] = name;
            slots[i] = Slot(bytes, isNull);
            keyBytes += Legacy.Format.BlobReader.Get7BitSize((uint)name.Length) + name.Length;
            valueBytes += slots[i].Length;
        }

        // System.Web's collection layout: count, no null key, the keys, the value end offsets, the values.
        var blob = new byte[8 + keyBytes + (4 * count) + valueBytes];
        BinaryPrimitives.WriteInt32LittleEndian(blob, count);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), -1);
        var position = 8;
        foreach (var key in keys)
        {
            position += Write7Bit((uint)key.Length, blob.AsSpan(position));
            key.CopyTo(blob, position);
            position += key.Length;
        }

        var offsets = position;
        position += 4 * count;
        var valuesStart = position;
        for (var i = 0; i < count; i++)
        {
            slots[i].CopyTo(blob, position);
            position += slots[i].Length;
            BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(offsets + (4 * i)), position - valuesStart);
        }

        var items = SessionStateSerializer.DeserializeItems(blob);
        items.ValueSerializer = values;
        items.Dirty = false;
        return (items, snapshot);
    }

    /// <summary>Every item as a field/value pair, for a write that replaces the whole HASH.</summary>
    /// <exception cref="LegacySessionFormatException">An item cannot be written in this layout; the message names it.</exception>
    public static List<RedisValue> WriteAll(SessionStateItemCollection items, RedisHashSnapshot? snapshot, byte[] defaultNullMarker)
    {
        var pairs = new List<RedisValue>(items.Count * 2);
        for (var i = 0; i < items.Count; i++)
        {
            var key = KeyOf(items, i);
            pairs.Add(key);
            pairs.Add(snapshot is not null && !items.IsDecoded(i) && snapshot.TryGet(key, out _, out var original)
                ? original
                : Encode(items[i], key, items.ValueSerializer, NullMarkerFor(key, snapshot, defaultNullMarker)));
        }

        return pairs;
    }

    /// <summary>
    /// The fields to delete and the field/value pairs to set so that the HASH read as <paramref name="snapshot"/> holds
    /// <paramref name="items"/>: untouched fields, and fields whose encoding did not change, are not sent.
    /// </summary>
    /// <exception cref="LegacySessionFormatException">An item cannot be written in this layout; the message names it.</exception>
    public static (List<string> Removed, List<RedisValue> Changed) WriteChanges(SessionStateItemCollection items, RedisHashSnapshot snapshot, byte[] defaultNullMarker)
    {
        var changed = new List<RedisValue>();
        for (var i = 0; i < items.Count; i++)
        {
            var key = KeyOf(items, i);
            var known = snapshot.TryGet(key, out var field, out var original);
            if (known && !items.IsDecoded(i))
            {
                continue;
            }

            var bytes = Encode(items[i], key, items.ValueSerializer, NullMarkerFor(key, snapshot, defaultNullMarker));
            if (known && bytes.AsSpan().SequenceEqual(original))
            {
                continue;
            }

            changed.Add(known ? field : key);
            changed.Add(bytes);
        }

        return (snapshot.Removed(items), changed);
    }

    /// <summary>The .NET value of one stored field, for display: null for the marker, the value of a string or primitive, else the stream.</summary>
    internal static object? Decode(byte[] bytes)
    {
        if (bytes.Length == 0 || RedisNullMarker.IsMarker(bytes))
        {
            return null;
        }

        return NrbfPrimitiveStream.TryDecode(bytes, out var value) ? value : new SerializedObject(bytes);
    }

    /// <summary>The field value for an item.</summary>
    /// <exception cref="LegacySessionFormatException">The value cannot be encoded; the message names the item and why.</exception>
    internal static byte[] Encode(object? value, string key, LegacyValueSerializer? values, byte[] nullMarker)
    {
        switch (value)
        {
            case null:
                return nullMarker;
            case SerializedObject serialized:
                return serialized.Payload.ToArray();
        }

        if (NrbfPrimitiveStream.TryEncode(value) is { } primitive)
        {
            return primitive;
        }

        if (values is null)
        {
            throw NotWritable(key, $"it is a {value.GetType()} and the session has no value serializer (LegacySessionFormat.Values) to encode objects");
        }

        try
        {
            return values.Serialize(value).Payload.ToArray();
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw NotWritable(key, ex.Message, ex);
        }
    }

    private static LegacySessionFormatException NotWritable(string? key, string reason, Exception? inner = null) =>
        new($"The session item '{key ?? "(null key)"}' cannot be written in the Redis provider 2.x–4.x layout: {reason.TrimEnd('.')}. Nothing was saved.", inner)
        {
            Key = key,
        };

    private static string KeyOf(SessionStateItemCollection items, int index) =>
        items.GetKey(index) ?? throw NotWritable(null,
            "the provider keeps one HASH field per item and an item needs a name; the provider itself cannot store a null key either");

    private static byte[] NullMarkerFor(string key, RedisHashSnapshot? snapshot, byte[] defaultNullMarker)
    {
        if (snapshot is null)
        {
            return defaultNullMarker;
        }

        // A null that was a marker keeps its own bytes; a new one takes the session's marker, else the configured one.
        if (snapshot.TryGet(key, out _, out var original) && original.Length > 0 && RedisNullMarker.IsMarker(original))
        {
            return original;
        }

        return snapshot.NullMarker ?? defaultNullMarker;
    }

    /// <summary>The slot of one field in System.Web's values region: a type byte, then the payload.</summary>
    private static byte[] Slot(byte[] stream, bool isNull)
    {
        if (isNull)
        {
            return [(byte)SessionValueTypeCode.Null];
        }

        if (NrbfPrimitiveStream.TryDecode(stream, out var value) && value is not DateTime { Kind: not DateTimeKind.Unspecified })
        {
            // System.Web's own encoding of the value (its DateTime has no Kind, so only an Unspecified one is kept so).
            var slot = new byte[Legacy.Format.ValueCodec.GetEncodedSize(value)];
            _ = Legacy.Format.ValueCodec.Write(value, slot);
            return slot;
        }

        var objectSlot = new byte[1 + stream.Length];
        objectSlot[0] = (byte)SessionValueTypeCode.Object;
        stream.CopyTo(objectSlot, 1);
        return objectSlot;
    }

    private static string FieldName(byte[] name)
    {
        try
        {
            return Legacy.Format.ValueCodec.StrictUtf8.GetString(name);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw new LegacySessionFormatException(
                $"A field name of the session's data HASH is not valid UTF-8 ({name.Length} bytes); the provider writes item names as UTF-8 text, so this HASH was not written by it.", ex);
        }
    }

    private static int Write7Bit(uint value, Span<byte> destination)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
