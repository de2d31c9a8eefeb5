using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;
using SessionBridge.Hosting;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Middleware;

/// <summary>
/// Calls the configured store with a time limit, measures every call, and turns every failure but a corrupt session
/// into <see cref="SessionStoreUnavailableException"/>.
/// </summary>
internal sealed class StoreInvoker(
    LegacySessionStoreResolver resolver,
    IOptions<LegacySessionOptions> options,
    SessionBridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<StoreInvoker> logger)
{
    private readonly TimeSpan _timeout = options.Value.StoreTimeout;

    public ILegacySessionStore Store => resolver.Store;

    public string StoreName => resolver.Name;

    public ValueTask<SessionStoreResult> GetItemAsync(string sessionId, bool exclusive, CancellationToken cancellationToken) =>
        RunAsync(exclusive ? "get_exclusive" : "get", sessionId, static (s, a, ct) => s.GetItemAsync(a.Id, a.Exclusive, ct), (Id: sessionId, Exclusive: exclusive), cancellationToken);

    public ValueTask<bool> SetAndReleaseItemExclusiveAsync(string sessionId, SessionStateData data, string? lockId, bool newItem, CancellationToken cancellationToken) =>
        RunAsync("set_and_release", sessionId, static (s, a, ct) => s.SetAndReleaseItemExclusiveAsync(a.Id, a.Data, a.LockId, a.NewItem, ct), (Id: sessionId, Data: data, LockId: lockId, NewItem: newItem), cancellationToken);

    public ValueTask<bool> ReleaseItemExclusiveAsync(string sessionId, string lockId, CancellationToken cancellationToken) =>
        RunAsync("release", sessionId, static async (s, a, ct) =>
        {
            await s.ReleaseItemExclusiveAsync(a.Id, a.LockId, ct).ConfigureAwait(false);
            return true;
        }, (Id: sessionId, LockId: lockId), cancellationToken);

    public ValueTask<bool> RemoveItemAsync(string sessionId, string lockId, CancellationToken cancellationToken) =>
        RunAsync("remove", sessionId, static async (s, a, ct) =>
        {
            await s.RemoveItemAsync(a.Id, a.LockId, ct).ConfigureAwait(false);
            return true;
        }, (Id: sessionId, LockId: lockId), cancellationToken);

    public ValueTask<bool> ResetItemTimeoutAsync(string sessionId, CancellationToken cancellationToken) =>
        RunAsync("reset_timeout", sessionId, static async (s, id, ct) =>
        {
            await s.ResetItemTimeoutAsync(id, ct).ConfigureAwait(false);
            return true;
        }, sessionId, cancellationToken);

    public ValueTask<bool> CreateUninitializedItemAsync(string sessionId, int timeoutMinutes, CancellationToken cancellationToken) =>
        RunAsync("create_uninitialized", sessionId, static async (s, a, ct) =>
        {
            await s.CreateUninitializedItemAsync(a.Id, a.Timeout, ct).ConfigureAwait(false);
            return true;
        }, (Id: sessionId, Timeout: timeoutMinutes), cancellationToken);

    /// <summary>Whether the store can tell a waiter that a lock was released (<see cref="ISessionLockReleaseNotifier"/>).</summary>
    public bool NotifiesRelease => resolver.Store is ISessionLockReleaseNotifier;

    /// <summary>
    /// Waits, through the store's notification, until the lock of <paramref name="sessionId"/> may be free or
    /// <paramref name="maxWait"/> passes (capped below LegacySession:StoreTimeout), with the same deadline, metrics and
    /// exception translation as every other store call.
    /// </summary>
    /// <exception cref="SessionStoreUnavailableException">The notification failed or did not return in time.</exception>
    public ValueTask<bool> WaitForReleaseAsync(string sessionId, TimeSpan maxWait, CancellationToken cancellationToken) =>
        RunAsync("wait_release", sessionId, static async (s, a, ct) =>
        {
            if (s is ISessionLockReleaseNotifier notifier)
            {
                await notifier.WaitForReleaseAsync(a.Id, a.MaxWait, ct).ConfigureAwait(false);
            }

            return true;
        }, (Id: sessionId, MaxWait: maxWait < _timeout ? maxWait : _timeout / 2), cancellationToken);

    private async ValueTask<TResult> RunAsync<TArg, TResult>(
        string operation,
        string sessionId,
        Func<ILegacySessionStore, TArg, CancellationToken, ValueTask<TResult>> call,
        TArg argument,
        CancellationToken cancellationToken)
    {
        var store = resolver.Store;
        var started = timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(_timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var failed = true;
        try
        {
            var result = await call(store, argument, linked.Token).ConfigureAwait(false);
            failed = false;
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            StoreLog.StoreTimedOut(logger, operation, resolver.Name, SessionIdForLog.Shorten(sessionId), _timeout);
            throw new SessionStoreUnavailableException(
                $"The session store '{resolver.Name}' did not complete '{operation}' within LegacySession:StoreTimeout ({_timeout}).");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failed = false;
            throw;
        }
        catch (SessionStoreUnavailableException ex)
        {
            StoreLog.StoreFailed(logger, ex, operation, resolver.Name, SessionIdForLog.Shorten(sessionId));
            throw;
        }
        catch (LegacySessionFormatException ex)
        {
            StoreLog.SessionCorrupt(logger, ex, operation, resolver.Name, SessionIdForLog.Shorten(sessionId));
            throw;
        }
        catch (Exception ex)
        {
            StoreLog.StoreFailed(logger, ex, operation, resolver.Name, SessionIdForLog.Shorten(sessionId));
            throw new SessionStoreUnavailableException($"The session store '{resolver.Name}' failed during '{operation}': {ex.Message}", ex);
        }
        finally
        {
            metrics.StoreOperation(operation, timeProvider.GetElapsedTime(started), failed);
        }
    }
}
