using SessionBridge.Legacy.Format;

namespace SessionBridge.Redis;

/// <summary>
/// The fields of a provider 2.x–4.x data HASH as they were read, kept beside the items handed out so that the write
/// sends only what changed (HDEL of removed fields, HSET of changed ones), as the provider's
/// <c>ChangeTrackingSessionStateItemCollection</c> does, and every other field keeps its exact bytes.
/// </summary>
internal sealed class RedisHashSnapshot
{
    private readonly Dictionary<string, (string Field, byte[] Bytes)> _fields;

    public RedisHashSnapshot(int capacity)
    {
        _fields = new Dictionary<string, (string, byte[])>(capacity, StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, ignoreCase: true));
    }

    /// <summary>The bytes of the first null marker read, so a new null is written exactly as this session's provider writes it.</summary>
    public byte[]? NullMarker { get; private set; }

    public IEnumerable<(string Field, byte[] Bytes)> Fields => _fields.Values;

    public void Add(string field, byte[] bytes, bool isNullMarker)
    {
        _fields[field] = (field, bytes);
        if (isNullMarker)
        {
            NullMarker ??= bytes;
        }
    }

    public bool TryGet(string key, out string field, out byte[] bytes)
    {
        if (_fields.TryGetValue(key, out var entry))
        {
            (field, bytes) = entry;
            return true;
        }

        field = string.Empty;
        bytes = [];
        return false;
    }

    /// <summary>The fields whose key the items no longer hold.</summary>
    public List<string> Removed(SessionStateItemCollection items)
    {
        var removed = new List<string>();
        foreach (var (key, entry) in _fields)
        {
            if (!items.ContainsKey(key))
            {
                removed.Add(entry.Field);
            }
        }

        return removed;
    }
}
