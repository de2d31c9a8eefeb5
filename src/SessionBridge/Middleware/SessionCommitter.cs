using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Locking;
using SessionBridge.Session;

namespace SessionBridge.Middleware;

/// <summary>
/// The end of an exclusive request, by SessionStateModule.OnReleaseState's rules (../spec/legacy-session-format.md §6):
/// abandoned → remove; renewed ID → insert under the new ID and remove the old; changed, new with content or timeout
/// changed → set and release; otherwise release. Then the cookie System.Web would send. Every path releases the lock
/// and wakes this process's waiters.
/// </summary>
internal sealed class SessionCommitter(
    IOptions<LegacySessionOptions> options,
    StoreInvoker store,
    SessionLockAcquirer acquirer,
    SessionBridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<SessionCommitter> logger)
{
    private readonly LegacySessionOptions _options = options.Value;

    /// <summary>Saves or releases the session after the endpoint succeeded.</summary>
    /// <exception cref="SessionStoreUnavailableException">The store failed; the lock was released where possible.</exception>
    /// <exception cref="LegacySessionFormatException">A value cannot be written; nothing was saved and the lock was released.</exception>
    public async ValueTask<CommitOutcome> CommitAsync(AcquiredSession acquired, LegacySessionState state)
    {
        try
        {
            return await SaveOrReleaseAsync(acquired, state).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException)
        {
            if (ex is LegacySessionFormatException format)
            {
                MiddlewareLog.ValueNotWritable(logger, SessionIdForLog.Shorten(acquired.Id), format.Key ?? "(none)", MessageText.Sentence(format.Message));
            }

            await ReleaseAfterFailureAsync(acquired).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the lock without saving (the endpoint failed, or the save did).</summary>
    public async ValueTask ReleaseAfterFailureAsync(AcquiredSession acquired)
    {
        if (acquired.LockId is not { } lockId)
        {
            return;
        }

        try
        {
            await store.ReleaseItemExclusiveAsync(acquired.Id, lockId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException)
        {
            MiddlewareLog.ReleaseFailed(logger, ex, SessionIdForLog.Shorten(acquired.Id));
        }
        finally
        {
            metrics.LockReleased(timeProvider.GetElapsedTime(acquired.LockedAt));
            acquirer.Released(acquired.Id);
        }
    }

    /// <summary>
    /// Adds the cookie System.Web sends after this request: a fresh ID after <c>Abandon()</c> (when
    /// <see cref="LegacySessionOptions.RenewIdAfterAbandon"/>), the renewed ID, or a minted ID once stored.
    /// </summary>
    /// <returns>Whether a cookie was added.</returns>
    public bool AppendCookie(HttpContext context, AcquiredSession acquired, LegacySessionState state, bool stored)
    {
        if (state.IsAbandoned)
        {
            if (_options.RenewIdAfterAbandon && !acquired.Minted)
            {
                SessionCookie.Append(context, _options, SessionIds.Create(_options.LegacyPlatform));
                return true;
            }

            return false;
        }

        if (state.RenewedId is { } renewed && stored)
        {
            SessionCookie.Append(context, _options, renewed);
            return true;
        }

        if (acquired.Minted && stored)
        {
            SessionCookie.Append(context, _options, acquired.Id);
            return true;
        }

        return false;
    }

    private async ValueTask<CommitOutcome> SaveOrReleaseAsync(AcquiredSession acquired, LegacySessionState state)
    {
        var outcome = CommitOutcome.None;
        try
        {
            if (state.IsAbandoned)
            {
                MiddlewareLog.Abandoned(logger, SessionIdForLog.Shorten(acquired.Id));
                if (acquired.LockId is { } abandonedLock)
                {
                    await store.RemoveItemAsync(acquired.Id, abandonedLock, CancellationToken.None).ConfigureAwait(false);
                    outcome = CommitOutcome.Removed;
                }

                return outcome;
            }

            if (state.RenewedId is { } renewedId)
            {
                // Session fixation defence (sign-in): the content moves to a new ID and the old one is removed.
                metrics.SessionSaved(SessionStateSerializer.GetSerializedLength(state.Data));
                await store.SetAndReleaseItemExclusiveAsync(renewedId, state.Data, null, newItem: true, CancellationToken.None).ConfigureAwait(false);
                if (acquired.LockId is { } oldLock)
                {
                    await store.RemoveItemAsync(acquired.Id, oldLock, CancellationToken.None).ConfigureAwait(false);
                }

                outcome = CommitOutcome.Saved;
                return outcome;
            }

            if (state.NeedsSave)
            {
                metrics.SessionSaved(SessionStateSerializer.GetSerializedLength(state.Data));
                var written = await store.SetAndReleaseItemExclusiveAsync(acquired.Id, state.Data, acquired.LockId, newItem: !acquired.InStore, CancellationToken.None).ConfigureAwait(false);
                outcome = written ? CommitOutcome.Saved : CommitOutcome.LockLost;
                if (!written)
                {
                    LockLog.LockLost(logger, SessionIdForLog.Shorten(acquired.Id));
                }

                return outcome;
            }

            if (acquired.LockId is { } lockId)
            {
                await store.ReleaseItemExclusiveAsync(acquired.Id, lockId, CancellationToken.None).ConfigureAwait(false);
                outcome = CommitOutcome.Released;
            }

            return outcome;
        }
        finally
        {
            if (outcome != CommitOutcome.None && acquired.LockId is not null)
            {
                metrics.LockReleased(timeProvider.GetElapsedTime(acquired.LockedAt));
                acquirer.Released(acquired.Id);
            }
        }
    }
}
