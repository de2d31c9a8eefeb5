using System.Collections.Concurrent;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Remoting;

/// <summary>
/// Mono's <c>RemoteStateServer</c> semantics (../spec/mono-legacy.md §1) over an in-memory table with sliding
/// expiration. <c>CollectionData</c> and <c>StaticObjectsData</c> are kept as the bytes the client sent.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>GetItem</c>: missing or expired → no item. Locked → no item, <c>locked</c>, the lock's age and id.
/// Otherwise, when exclusive, the item is locked with lock id + 1. <c>actions</c> is the item's action.</item>
/// <item><c>SetAndReleaseItemExclusive</c>: <c>newItem</c> or missing → a new unlocked item with the caller's lock id;
/// otherwise a lock id mismatch is ignored (nothing written), else the data is replaced and the item unlocked.</item>
/// <item><c>ReleaseItemExclusive</c> unlocks when the lock id matches; <c>Remove</c> ignores the lock id;
/// <c>ResetItemTimeout</c> slides the expiry; every lookup slides it too (Mono's sliding cache).</item>
/// </list>
/// Three deliberate differences, each where Mono's server loses data: <c>CreateUninitializedItem</c> never replaces
/// an existing item (Mono's overwrites it); a write clears <c>InitializeItem</c> (Mono's keeps reporting it, so its
/// own client would discard the items on every later read); a write's timeout becomes the item's timeout (Mono keeps
/// the first one, so a changed <c>Session.Timeout</c> was lost).
/// </remarks>
internal sealed class MonoStateServerEngine : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;

    public MonoStateServerEngine(TimeProvider time, TimeSpan? sweepInterval = null)
    {
        _time = time;
        var interval = sweepInterval ?? TimeSpan.FromMinutes(1);
        if (interval > TimeSpan.Zero)
        {
            _sweeper = time.CreateTimer(static state => ((MonoStateServerEngine)state!).RemoveExpired(), this, interval, interval);
        }
    }

    public int Count => _items.Count;

    /// <summary>Runs one call; the reply for <c>GetItem</c>, <see langword="null"/> for the void methods.</summary>
    public MonoStateServerReply? Process(MonoStateServerCall call, string key)
    {
        ArgumentNullException.ThrowIfNull(call);
        var now = _time.GetUtcNow().UtcDateTime;
        switch (call.Method)
        {
            case MonoStateServerMethod.GetItem:
                return GetItem(key, call.Exclusive, now);
            case MonoStateServerMethod.SetAndReleaseItemExclusive:
                SetAndRelease(key, call, now);
                return null;
            case MonoStateServerMethod.ReleaseItemExclusive:
                if (Live(key, now) is { } release)
                {
                    lock (release)
                    {
                        if (!release.Removed && release.LockId == call.LockId)
                        {
                            release.Locked = false;
                        }
                    }
                }

                return null;
            case MonoStateServerMethod.Remove:
                if (_items.TryRemove(key, out var removed))
                {
                    lock (removed)
                    {
                        removed.Removed = true;
                    }
                }

                return null;
            case MonoStateServerMethod.ResetItemTimeout:
                _ = Live(key, now);
                return null;
            default:
                var fresh = new Entry { TimeoutMinutes = call.Timeout, Action = SessionStateActions.InitializeItem, LockId = int.MinValue };
                fresh.Touch(now);
                if (!_items.TryAdd(key, fresh) && Live(key, now) is null)
                {
                    _items[key] = fresh;
                }

                return null;
        }
    }

    public void RemoveExpired()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var pair in _items)
        {
            lock (pair.Value)
            {
                if (pair.Value.ExpiresAtUtc <= now && !pair.Value.Removed)
                {
                    pair.Value.Removed = true;
                    _items.TryRemove(pair);
                }
            }
        }
    }

    public void Dispose() => _sweeper?.Dispose();

    private MonoStateServerReply GetItem(string key, bool exclusive, DateTime now)
    {
        if (Live(key, now) is not { } entry)
        {
            return new MonoStateServerReply();
        }

        lock (entry)
        {
            if (entry.Removed)
            {
                return new MonoStateServerReply();
            }

            if (entry.Locked)
            {
                return new MonoStateServerReply { Locked = true, LockAge = now - entry.LockedTimeUtc, LockId = entry.LockId };
            }

            var lockId = int.MinValue;
            if (exclusive)
            {
                entry.Locked = true;
                entry.LockedTimeUtc = now;
                entry.LockId = unchecked(entry.LockId + 1);
                lockId = entry.LockId;
            }

            return new MonoStateServerReply
            {
                LockId = lockId,
                Actions = entry.Action,
                Item = new MonoStateServerItem
                {
                    CollectionData = entry.CollectionData,
                    StaticObjectsData = entry.StaticObjectsData,
                    LastAccess = entry.LastAccessUtc,
                    Timeout = entry.TimeoutMinutes,
                    LockId = entry.LockId,
                    Locked = entry.Locked,
                    LockedTime = entry.LockedTimeUtc,
                    Action = entry.Action,
                },
            };
        }
    }

    private void SetAndRelease(string key, MonoStateServerCall call, DateTime now)
    {
        var lockId = call.LockId ?? int.MinValue;
        if (!call.NewItem && Live(key, now) is { } existing)
        {
            lock (existing)
            {
                if (!existing.Removed)
                {
                    if (existing.LockId != lockId)
                    {
                        return;
                    }

                    existing.CollectionData = call.CollectionData;
                    existing.StaticObjectsData = call.StaticObjectsData;
                    existing.TimeoutMinutes = call.Timeout;
                    existing.Action = SessionStateActions.None;
                    existing.Locked = false;
                    existing.Touch(now);
                    return;
                }
            }
        }

        var entry = new Entry
        {
            CollectionData = call.CollectionData,
            StaticObjectsData = call.StaticObjectsData,
            TimeoutMinutes = call.Timeout,
            LockId = lockId,
        };
        entry.Touch(now);
        if (_items.TryGetValue(key, out var old))
        {
            lock (old)
            {
                old.Removed = true;
            }
        }

        _items[key] = entry;
    }

    /// <summary>The live entry for the key (touched), or <see langword="null"/> when missing or expired.</summary>
    private Entry? Live(string key, DateTime now)
    {
        if (!_items.TryGetValue(key, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            if (entry.Removed)
            {
                return null;
            }

            if (entry.ExpiresAtUtc <= now)
            {
                entry.Removed = true;
                _items.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                return null;
            }

            entry.Touch(now);
            return entry;
        }
    }

    private sealed class Entry
    {
        public byte[]? CollectionData;
        public byte[]? StaticObjectsData;
        public int TimeoutMinutes;
        public int LockId;
        public bool Locked;
        public DateTime LockedTimeUtc;
        public SessionStateActions Action;
        public DateTime LastAccessUtc;
        public DateTime ExpiresAtUtc;
        public bool Removed;

        public void Touch(DateTime now)
        {
            LastAccessUtc = now;
            ExpiresAtUtc = TimeoutMinutes <= 0 ? DateTime.MaxValue : now.AddMinutes(TimeoutMinutes);
        }
    }
}
