using System.Globalization;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// The items of a session, with the behaviour of System.Web's <c>SessionStateItemCollection</c>: insertion order,
/// case-insensitive invariant keys that keep their first spelling, a possible <see langword="null"/> key, values
/// decoded on first access, untouched values written back byte for byte, and System.Web's dirty rules.
/// </summary>
/// <remarks>
/// <para>
/// Values are <see langword="null"/>, the 19 primitive types System.Web writes natively (see
/// <see cref="SessionValueTypeCode"/>), or a <see cref="SerializedObject"/> holding the BinaryFormatter stream of any
/// other object. Storing anything else throws <see cref="ArgumentException"/> at once, so a session never holds a
/// value it cannot save.
/// </para>
/// <para>
/// <see cref="Dirty"/> becomes true when a value is set, removed or cleared, and when a getter returns a non-null value
/// that is not of an immutable primitive type (reading an object may be the first step in changing it).
/// </para>
/// <para>This type is not thread-safe; a session belongs to one request at a time.</para>
/// </remarks>
public sealed class SessionStateItemCollection
{
    /// <summary>System.Web's key comparer, <c>Misc.CaseInsensitiveInvariantKeyComparer</c>.</summary>
    internal static readonly StringComparer KeyComparer = StringComparer.Create(CultureInfo.InvariantCulture, ignoreCase: true);

    // Below this many entries a linear scan beats building a dictionary.
    private const int IndexThreshold = 8;

    private Entry[] _entries;
    private int _count;
    private Dictionary<string, int>? _index;
    private int _nullKeyIndex = -1;

    // The values region of the blob this collection was read from; raw entries point into it.
    private readonly ReadOnlyMemory<byte> _values;

    // A collection read from a blob is expanded into entries (key strings, slots) only when something needs them;
    // until then it is described by its layout in the source bytes.
    private PendingLayout? _pending;

    // The collection's bytes exactly as read, while nothing has been changed or decoded and they are in the form
    // System.Web's writer produces: writing back is then a single copy.
    private ReadOnlyMemory<byte> _verbatim;

    /// <summary>Creates an empty collection.</summary>
    public SessionStateItemCollection()
    {
        _entries = [];
    }

    private SessionStateItemCollection(PendingLayout pending, int count, int nullKeyIndex, ReadOnlyMemory<byte> values, ReadOnlyMemory<byte> verbatim)
    {
        _entries = [];
        _pending = pending;
        _count = count;
        _nullKeyIndex = nullKeyIndex;
        _values = values;
        _verbatim = verbatim;
    }

    /// <summary>The number of items.</summary>
    public int Count => _count;

    /// <summary>
    /// Whether the collection changed, or a mutable value was read from it, since it was read or since this was last
    /// set to <see langword="false"/>. System.Web saves a session only when this is true (or the session is new, or its
    /// timeout changed).
    /// </summary>
    public bool Dirty { get; set; }

    /// <summary>
    /// Reads and writes values of type code 20 as objects: when set, reading such a value returns an instance of a
    /// mapped type, a built-in shape or a read-only <see cref="LegacyObject"/> view instead of a
    /// <see cref="SerializedObject"/>, and objects of mapped types and built-in shapes can be stored (they are encoded
    /// when the session is written, so changes made after storing them are saved, as in System.Web). When
    /// <see langword="null"/> (the default), type-20 values are <see cref="SerializedObject"/>s.
    /// </summary>
    public LegacyValueSerializer? ValueSerializer { get; set; }

    /// <summary>The keys in collection order; the null key appears as <see langword="null"/>.</summary>
    public IReadOnlyList<string?> Keys
    {
        get
        {
            EnsureEntries();
            var keys = new string?[_count];
            for (var i = 0; i < _count; i++)
            {
                keys[i] = _entries[i].Key;
            }

            return keys;
        }
    }

    /// <summary>
    /// Gets or sets the value stored under a key (case-insensitive, invariant culture). Getting a missing key returns
    /// <see langword="null"/>; setting a missing key appends it.
    /// </summary>
    /// <exception cref="ArgumentException">The value cannot be written in a form the legacy application reads.</exception>
    /// <exception cref="LegacySessionFormatException">The stored bytes of the value are corrupt.</exception>
    public object? this[string? name]
    {
        get
        {
            var index = IndexOf(name);
            return index < 0 ? null : Get(index);
        }

        set
        {
            if (name is not null)
            {
                ValueCodec.EnsureValidText(name, name, "key");
            }

            ValueCodec.EnsureWritable(value, name, ValueSerializer);
            var index = IndexOf(name);
            _verbatim = default;
            if (index < 0)
            {
                Append(name, value);
            }
            else
            {
                _entries[index] = new Entry(_entries[index].Key, value);
            }

            Dirty = true;
        }
    }

    /// <summary>Gets or sets the value at a position in collection order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a position in the collection.</exception>
    /// <exception cref="ArgumentException">The value cannot be written in a form the legacy application reads.</exception>
    /// <exception cref="LegacySessionFormatException">The stored bytes of the value are corrupt.</exception>
    public object? this[int index]
    {
        get
        {
            CheckIndex(index);
            return Get(index);
        }

        set
        {
            CheckIndex(index);
            ValueCodec.EnsureWritable(value, _entries[index].Key, ValueSerializer);
            _verbatim = default;
            _entries[index] = new Entry(_entries[index].Key, value);
            Dirty = true;
        }
    }

    /// <summary>The key at a position in collection order (<see langword="null"/> for the null key).</summary>
    public string? GetKey(int index)
    {
        CheckIndex(index);
        return _entries[index].Key;
    }

    /// <summary>Whether a key is present (case-insensitive, invariant culture).</summary>
    public bool ContainsKey(string? name) => IndexOf(name) >= 0;

    /// <summary>
    /// The type code of the value at a position, without decoding it (and so without marking the collection dirty).
    /// For an untouched value this is the stored type byte, which may be one System.Web does not know.
    /// </summary>
    public SessionValueTypeCode GetTypeCode(int index)
    {
        CheckIndex(index);
        ref readonly var entry = ref _entries[index];
        if (!entry.IsRaw)
        {
            return ValueCodec.GetTypeCode(entry.Value);
        }

        return entry.RawStart >= 0 && entry.RawStart < _values.Length
            ? (SessionValueTypeCode)_values.Span[entry.RawStart]
            : SessionValueTypeCode.Unknown;
    }

    /// <summary>
    /// The encoded value at a position (its type byte, then the payload) without decoding it and without marking the
    /// collection dirty. For an untouched value these are the stored bytes of its slot, exactly as they will be
    /// written back; for a value set since, its encoding. For type code 20 the bytes after the type byte are the
    /// BinaryFormatter ([MS-NRBF]) stream.
    /// </summary>
    /// <exception cref="LegacySessionFormatException">The offsets of an untouched value point outside the blob.</exception>
    public ReadOnlyMemory<byte> GetEncodedValue(int index)
    {
        CheckIndex(index);
        ref readonly var entry = ref _entries[index];
        if (entry.IsRaw)
        {
            return RawSlot(entry);
        }

        var value = Encodable(entry.Value, entry.Key);
        var buffer = new byte[ValueCodec.GetEncodedSize(value)];
        ValueCodec.Write(value, buffer);
        return buffer;
    }

    /// <summary>Whether the value at a position has been read or set since the collection was read from a blob.</summary>
    public bool IsDecoded(int index)
    {
        CheckIndex(index);
        return !_entries[index].IsRaw;
    }

    /// <summary>Removes the item with a key, if present. Marks the collection dirty either way, as System.Web does.</summary>
    public void Remove(string? name)
    {
        Dirty = true;
        _verbatim = default;
        var index = IndexOf(name);
        if (index >= 0)
        {
            RemoveEntry(index);
        }
    }

    /// <summary>Removes the item at a position.</summary>
    public void RemoveAt(int index)
    {
        CheckIndex(index);
        Dirty = true;
        _verbatim = default;
        RemoveEntry(index);
    }

    /// <summary>Removes every item.</summary>
    public void Clear()
    {
        Dirty = true;
        _verbatim = default;
        _pending = null;
        Array.Clear(_entries);
        _count = 0;
        _index = null;
        _nullKeyIndex = -1;
    }

    private object? Get(int index)
    {
        ref var entry = ref _entries[index];
        if (entry.IsRaw)
        {
            var value = ValueCodec.Read(_values, entry.RawStart, entry.RawEnd);
            if (value is SerializedObject serialized && ValueSerializer is { } serializer)
            {
                value = serializer.Deserialize(serialized);
            }

            entry = new Entry(entry.Key, value);

            // System.Web re-encodes a value once it was read (an unknown type byte becomes Null, a long slot shrinks).
            _verbatim = default;
        }

        if (entry.Value is { } v && !ValueCodec.IsImmutable(v))
        {
            Dirty = true;
        }

        return entry.Value;
    }

    /// <summary>
    /// A value in a form <see cref="ValueCodec"/> writes: objects other than SerializedObject are encoded. An object that
    /// cannot be encoded (it came to hold something unmapped after it was stored) fails with
    /// <see cref="LegacySessionFormatException"/> naming the key and the reason.
    /// </summary>
    private object? Encodable(object? value, string? key)
    {
        if (ValueCodec.GetTypeCode(value) != SessionValueTypeCode.Object || value is SerializedObject)
        {
            return value;
        }

        if (ValueSerializer is not { } serializer)
        {
            throw new InvalidOperationException(
                $"The value of type '{value!.GetType()}' was stored with a LegacyValueSerializer that has since been removed; set ValueSerializer again to write it.");
        }

        try
        {
            return serializer.Serialize(value!);
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            throw new LegacySessionFormatException(
                $"The value under key '{key}' (of type '{value!.GetType()}') cannot be written in a form the legacy application reads. {ex.Message}", ex)
            {
                Key = key,
            };
        }
    }

    private ReadOnlyMemory<byte> RawSlot(in Entry entry)
    {
        if (entry.RawStart < 0 || entry.RawEnd < entry.RawStart || entry.RawEnd > _values.Length)
        {
            throw new LegacySessionFormatException(
                $"The slot [{entry.RawStart}, {entry.RawEnd}) of the value under key '{entry.Key}' lies outside the values region of {_values.Length} bytes; " +
                "the stored session is corrupt and this value cannot be read or written back.");
        }

        return _values[entry.RawStart..entry.RawEnd];
    }

    private void Append(string? name, object? value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        _entries[_count] = new Entry(name, value);
        if (name is null)
        {
            _nullKeyIndex = _count;
        }
        else
        {
            _index?.Add(name, _count);
        }

        _count++;
    }

    private void RemoveEntry(int index)
    {
        _count--;
        if (index < _count)
        {
            Array.Copy(_entries, index + 1, _entries, index, _count - index);
        }

        _entries[_count] = default;
        _index = null;
        _nullKeyIndex = -1;
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Key is null)
            {
                _nullKeyIndex = i;
                break;
            }
        }
    }

    private int IndexOf(string? name)
    {
        EnsureEntries();
        if (name is null)
        {
            return _nullKeyIndex;
        }

        if (_count < IndexThreshold)
        {
            for (var i = 0; i < _count; i++)
            {
                if (_entries[i].Key is { } key && KeyComparer.Equals(key, name))
                {
                    return i;
                }
            }

            return -1;
        }

        _index ??= BuildIndex();
        return _index.TryGetValue(name, out var index) ? index : -1;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_count, KeyComparer);
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Key is { } key)
            {
                index.Add(key, i);
            }
        }

        return index;
    }

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        EnsureEntries();
    }

    private void EnsureEntries()
    {
        if (_pending is { } pending)
        {
            _entries = pending.Expand(_count);
            _pending = null;
        }
    }

    /// <summary>
    /// Reads the collection layout of ../spec/legacy-session-format.md §1.3: count, null-key index, the keys, the
    /// table of value end offsets, then the values region, which is kept as it is and decoded value by value.
    /// </summary>
    /// <remarks>
    /// Everything a later failure would depend on is checked here (lengths, the keys' encoding, duplicate keys), but
    /// nothing is allocated per item: keys become strings and values objects only when they are asked for.
    /// </remarks>
    internal static SessionStateItemCollection Read(ref BlobReader reader, ReadOnlyMemory<byte> source)
    {
        var sectionStart = reader.Position;
        var count = reader.ReadInt32();
        if (count <= 0)
        {
            // System.Web: 'if (count > 0)'; an empty or negative count is an empty collection.
            return new SessionStateItemCollection();
        }

        var nullKeyIndex = reader.ReadInt32();

        // Every entry needs at least a 4-byte offset and (but the null key) a 1-byte key length: refuse a count the
        // remaining bytes cannot hold before allocating anything for it.
        var hasNullKey = nullKeyIndex >= 0 && nullKeyIndex < count;
        if ((long)count * 5 - (hasNullKey ? 1 : 0) > reader.Remaining)
        {
            throw reader.Fail(sectionStart, $"it claims {count} items, more than the {reader.Remaining} remaining bytes can hold.");
        }

        // System.Web writes -1 when there is no null key; any other out-of-range index is ignored, and re-written as -1.
        var canonical = hasNullKey || nullKeyIndex == -1;
        var keysStart = reader.Position;
        var printableAscii = true;
        for (var i = 0; i < count; i++)
        {
            if (i == nullKeyIndex)
            {
                continue;
            }

            var key = reader.ReadStringBytes("a key", out var canonicalPrefix);
            if (!IsPrintableAscii(key))
            {
                printableAscii = false;
                canonical &= System.Text.Unicode.Utf8.IsValid(key);
            }

            canonical &= canonicalPrefix;
        }

        var keys = source[keysStart..reader.Position];
        var layout = new PendingLayout(source, keysStart, reader.Position, hasNullKey ? nullKeyIndex : -1);
        var end = 0;
        for (var i = 0; i < count; i++)
        {
            var next = reader.ReadInt32();
            canonical &= next >= end;
            end = next;
        }

        if (end < 0)
        {
            throw reader.Fail(reader.Position - 4, $"the values region has the negative length {end}.");
        }

        var regionStart = reader.Position;
        _ = reader.ReadBytes(end, $"the values region of {end} bytes");

        // Checked once the whole layout is known to be there.
        if (printableAscii)
        {
            CheckDuplicateAsciiKeys(keys.Span, count - (hasNullKey ? 1 : 0), ref reader, keysStart);
        }
        else
        {
            CheckDuplicateKeys(layout, count, ref reader, keysStart);
        }

        return new SessionStateItemCollection(
            layout,
            count,
            layout.NullKeyIndex,
            source.Slice(regionStart, end),
            canonical ? source[sectionStart..reader.Position] : default);
    }

    private static bool IsPrintableAscii(ReadOnlySpan<byte> bytes) =>
        !bytes.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);

    /// <summary>
    /// Rejects a blob with two keys that compare equal, as System.Web does (its reader fails on them), for keys of
    /// printable ASCII only, without allocating: for those, the invariant culture's case-insensitive equality is
    /// ASCII case-insensitive equality (a test checks this on the running platform's collation).
    /// </summary>
    private static void CheckDuplicateAsciiKeys(ReadOnlySpan<byte> keys, int keyCount, ref BlobReader reader, int keysStart)
    {
        // An open-addressing table of key positions, twice as large as the key count: on the stack for up to 256
        // keys, rented beyond.
        const int StackLimit = 256;
        int[]? rented = null;
        var buckets = keyCount <= StackLimit
            ? stackalloc int[StackLimit * 2]
            : (rented = System.Buffers.ArrayPool<int>.Shared.Rent(keyCount * 2));
        buckets = buckets[..(keyCount * 2)];
        buckets.Fill(-1);
        try
        {
            FindDuplicateAsciiKey(keys, buckets, ref reader, keysStart);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static void FindDuplicateAsciiKey(ReadOnlySpan<byte> keys, scoped Span<int> buckets, ref BlobReader reader, int keysStart)
    {
        var position = 0;
        while (position < keys.Length)
        {
            var keyStart = position;
            var key = ReadAsciiKey(keys, ref position);
            var hash = AsciiCaseInsensitiveHash(key);
            var slot = (int)(hash % (uint)buckets.Length);
            while (buckets[slot] >= 0)
            {
                var otherPosition = buckets[slot];
                var other = ReadAsciiKey(keys, ref otherPosition);
                if (System.Text.Ascii.EqualsIgnoreCase(key, other))
                {
                    throw reader.Fail(keysStart + keyStart, $"the key '{System.Text.Encoding.ASCII.GetString(key)}' appears twice (keys compare case-insensitively).");
                }

                slot = slot + 1 == buckets.Length ? 0 : slot + 1;
            }

            buckets[slot] = keyStart;
        }
    }

    private static ReadOnlySpan<byte> ReadAsciiKey(ReadOnlySpan<byte> keys, ref int position)
    {
        var reader = new BlobReader(keys[position..], "key");
        var key = reader.ReadStringBytes("a key", out _);
        position += reader.Position;
        return key;
    }

    private static uint AsciiCaseInsensitiveHash(ReadOnlySpan<byte> key)
    {
        var hash = 2166136261u;
        foreach (var b in key)
        {
            hash = (hash ^ (uint)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b)) * 16777619u;
        }

        return hash;
    }

    private static void CheckDuplicateKeys(PendingLayout layout, int count, ref BlobReader reader, int keysStart)
    {
        var seen = new HashSet<string>(count, KeyComparer);
        foreach (var entry in layout.Expand(count))
        {
            if (entry.Key is { } key && !seen.Add(key))
            {
                throw reader.Fail(keysStart, $"the key '{key}' appears twice (keys compare case-insensitively).");
            }
        }
    }

    /// <summary>The number of bytes <see cref="Write"/> writes.</summary>
    internal int GetSerializedSize()
    {
        if (!_verbatim.IsEmpty)
        {
            return _verbatim.Length;
        }

        EnsureEntries();
        if (_count == 0)
        {
            return 4;
        }

        var size = 8 + (4 * _count);
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Key is { } key)
            {
                size += ValueCodec.GetStringSize(key);
            }

            if (!entry.IsRaw)
            {
                // Objects are encoded now, at write time, so changes made after they were stored are saved.
                entry.Encoded = ValueCodec.GetTypeCode(entry.Value) == SessionValueTypeCode.Object && entry.Value is not SerializedObject
                    ? (SerializedObject?)Encodable(entry.Value, entry.Key)
                    : null;
            }

            size += entry.IsRaw ? RawSlot(entry).Length : ValueCodec.GetEncodedSize(entry.Encoded ?? entry.Value);
        }

        return size;
    }

    /// <summary>
    /// Writes the collection layout. Unlike System.Web, the null-key index is that of the null key whatever its value,
    /// so the blob never has Microsoft's null-key defect (../vectors/README.md, quirks 1 and 2).
    /// </summary>
    internal int Write(Span<byte> destination)
    {
        if (!_verbatim.IsEmpty)
        {
            _verbatim.Span.CopyTo(destination);
            return _verbatim.Length;
        }

        EnsureEntries();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(destination, _count);
        if (_count == 0)
        {
            return 4;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(destination[4..], _nullKeyIndex);
        var position = 8;
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Key is { } key)
            {
                position += ValueCodec.WriteString(key, destination[position..]);
            }
        }

        var offsets = destination.Slice(position, 4 * _count);
        position += offsets.Length;
        var valuesStart = position;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _entries[i];
            if (entry.IsRaw)
            {
                var raw = RawSlot(entry).Span;
                raw.CopyTo(destination[position..]);
                position += raw.Length;
            }
            else
            {
                position += ValueCodec.Write(entry.Encoded ?? entry.Value, destination[position..]);
            }

            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(offsets[(4 * i)..], position - valuesStart);
        }

        return position;
    }

    private struct Entry
    {
        public string? Key;
        public object? Value;

        // When IsRaw, the value is still the bytes [RawStart, RawEnd) of the values region.
        public int RawStart;
        public int RawEnd;
        public bool IsRaw;

        // The encoding of an object value, made by GetSerializedSize for the Write that follows it.
        public SerializedObject? Encoded;

        public Entry(string? key, object? value)
        {
            Key = key;
            Value = value;
        }

        public static Entry Raw(string? key, int start, int end) =>
            new() { Key = key, RawStart = start, RawEnd = end, IsRaw = true };
    }

    /// <summary>Where the keys and the offset table of a collection read from a blob are.</summary>
    private sealed class PendingLayout(ReadOnlyMemory<byte> source, int keysStart, int offsetsStart, int nullKeyIndex)
    {
        public int NullKeyIndex => nullKeyIndex;

        public Entry[] Expand(int count)
        {
            var entries = new Entry[count];
            var span = source.Span;
            var keys = new BlobReader(span[keysStart..offsetsStart], "session item collection");
            var start = 0;
            for (var i = 0; i < count; i++)
            {
                var key = i == nullKeyIndex ? null : keys.ReadString("a key");
                var end = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span[(offsetsStart + (4 * i))..]);
                entries[i] = Entry.Raw(key, start, end);
                start = end;
            }

            return entries;
        }
    }
}
