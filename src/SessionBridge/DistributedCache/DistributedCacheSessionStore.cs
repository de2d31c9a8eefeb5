using Microsoft.Extensions.Caching.Distributed;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.DistributedCache;

/// <summary>
/// A session store over any <see cref="IDistributedCache"/>, with locks from an <see cref="ISessionLockProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each session is one cache entry: a flags byte (bit 0: uninitialized) followed by the System.Web session blob, with
/// sliding expiration set to the session's timeout. An <see cref="IDistributedCache"/> has no atomic
/// add-if-absent and no locks, so the lock provider orders writers; with the default
/// <see cref="InProcessSessionLockProvider"/> that holds within one process only.
/// </para>
/// <para>Every failure of the cache becomes a <see cref="SessionStoreUnavailableException"/>.</para>
/// </remarks>
internal sealed class DistributedCacheSessionStore : ILegacySessionStore, ISessionLockReleaseNotifier
{
    private const byte UninitializedFlag = 1;

    private readonly IDistributedCache _cache;
    private readonly ISessionLockProvider _locks;
    private readonly string _prefix;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly LegacySessionFormat _format;

    /// <summary>Creates the store.</summary>
    /// <param name="cache">The cache that holds the sessions.</param>
    /// <param name="locks">The lock provider.</param>
    /// <param name="options">The options.</param>
    /// <param name="defaultLockTimeout">The lock lifetime when <see cref="DistributedCacheSessionStoreOptions.LockTimeout"/> is not set.</param>
    /// <param name="timeProvider">The clock for waiting; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="format">How sessions are encoded; <see cref="LegacySessionFormat.Default"/> when <see langword="null"/>.</param>
    public DistributedCacheSessionStore(IDistributedCache cache, ISessionLockProvider locks, DistributedCacheSessionStoreOptions? options = null, TimeSpan? defaultLockTimeout = null, TimeProvider? timeProvider = null, LegacySessionFormat? format = null)
    {
        _format = format ?? LegacySessionFormat.Default;
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(locks);
        options ??= new DistributedCacheSessionStoreOptions();
        _cache = cache;
        _locks = locks;
        _prefix = options.KeyPrefix ?? string.Empty;
        _lockTimeout = options.LockTimeout ?? defaultLockTimeout ?? Legacy.SystemWebDefaults.ExecutionTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (_lockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _lockTimeout, "DistributedCacheSessionStoreOptions.LockTimeout must be positive.");
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        string? lockId = null;
        if (exclusive)
        {
            var attempt = await Guard(_locks.TryAcquireAsync(sessionId, _lockTimeout, cancellationToken)).ConfigureAwait(false);
            if (!attempt.Acquired)
            {
                return SessionStoreResult.Locked(attempt.LockId!, attempt.LockAge);
            }

            lockId = attempt.LockId!;
        }
        else
        {
            var holder = await Guard(_locks.GetHolderAsync(sessionId, cancellationToken)).ConfigureAwait(false);
            if (holder.IsHeldByOther)
            {
                return SessionStoreResult.Locked(holder.LockId!, holder.LockAge);
            }
        }

        try
        {
            var stored = await Guard(_cache.GetAsync(Key(sessionId), cancellationToken)).ConfigureAwait(false);
            if (stored is null || stored.Length == 0)
            {
                await ReleaseIfHeldAsync(sessionId, lockId).ConfigureAwait(false);
                return SessionStoreResult.NotFound;
            }

            var data = _format.Deserialize(stored.AsMemory(1));
            var actions = SessionStateActions.None;
            if ((stored[0] & UninitializedFlag) != 0)
            {
                actions = SessionStateActions.InitializeItem;
                stored[0] &= unchecked((byte)~UninitializedFlag);
                await Guard(_cache.SetAsync(Key(sessionId), stored, EntryOptions(data.Timeout), cancellationToken)).ConfigureAwait(false);
            }

            return SessionStoreResult.Found(data, lockId, actions);
        }
        catch
        {
            await ReleaseIfHeldAsync(sessionId, lockId).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(data);
        if (!newItem && (lockId is null || !await Guard(_locks.IsHeldByAsync(sessionId, lockId, cancellationToken)).ConfigureAwait(false)))
        {
            return false;
        }

        var blob = Prefixed(_format.Serialize(data), 0);
        await Guard(_cache.SetAsync(Key(sessionId), blob, EntryOptions(data.Timeout), cancellationToken)).ConfigureAwait(false);
        if (lockId is not null)
        {
            await Guard(_locks.ReleaseAsync(sessionId, lockId, cancellationToken)).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        await Guard(_locks.ReleaseAsync(sessionId, lockId, cancellationToken)).ConfigureAwait(false);
        await Guard(_cache.RefreshAsync(Key(sessionId), cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentNullException.ThrowIfNull(lockId);
        if (await Guard(_locks.IsHeldByAsync(sessionId, lockId, cancellationToken)).ConfigureAwait(false))
        {
            await Guard(_cache.RemoveAsync(Key(sessionId), cancellationToken)).ConfigureAwait(false);
            await Guard(_locks.ReleaseAsync(sessionId, lockId, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        await Guard(_cache.RefreshAsync(Key(sessionId), cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMinutes, 1);
        if (await Guard(_cache.GetAsync(Key(sessionId), cancellationToken)).ConfigureAwait(false) is { Length: > 0 })
        {
            return;
        }

        var stored = Prefixed(_format.Serialize(_format.CreateEmpty(timeoutMinutes)), UninitializedFlag);
        await Guard(_cache.SetAsync(Key(sessionId), stored, EntryOptions(timeoutMinutes), cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (_locks is ISessionLockReleaseNotifier notifier)
        {
            await notifier.WaitForReleaseAsync(sessionId, maxWait, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Task.Delay(maxWait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private string Key(string sessionId) => _prefix + sessionId;

    private static DistributedCacheEntryOptions EntryOptions(int timeoutMinutes) =>
        new() { SlidingExpiration = TimeSpan.FromMinutes(Math.Max(1, timeoutMinutes)) };

    private async ValueTask ReleaseIfHeldAsync(string sessionId, string? lockId)
    {
        if (lockId is not null)
        {
            await Guard(_locks.ReleaseAsync(sessionId, lockId, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private static async Task Guard(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new SessionStoreUnavailableException($"The distributed cache behind the session store failed: {ex.Message}", ex);
        }
    }

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new SessionStoreUnavailableException($"The distributed cache behind the session store failed: {ex.Message}", ex);
        }
    }

    private static async ValueTask<T> Guard<T>(ValueTask<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw new SessionStoreUnavailableException($"The session lock provider failed: {ex.Message}", ex);
        }
    }

    private static bool IsStoreFailure(Exception ex) =>
        ex is not (OperationCanceledException or SessionStoreUnavailableException or LegacySessionFormatException or ArgumentException);

    /// <summary>The stored form: one flag byte (1 = uninitialized item) before the blob.</summary>
    private static byte[] Prefixed(byte[] blob, byte flag)
    {
        var stored = new byte[1 + blob.Length];
        stored[0] = flag;
        blob.CopyTo(stored, 1);
        return stored;
    }
}
