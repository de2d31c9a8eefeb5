using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Locking;
using SessionBridge.Session;

namespace SessionBridge.Middleware;

/// <summary>
/// One request, end to end (DESIGN.md): the endpoint's behaviour, the cookie, acquiring the session (waiting for and
/// stealing locks as System.Web does), the endpoint, then SessionStateModule.OnReleaseState's commit rules
/// (../spec/legacy-session-format.md §6).
/// </summary>
internal sealed class LegacySessionMiddleware(
    IOptions<LegacySessionOptions> options,
    StoreInvoker store,
    SessionLockCoordinator coordinator,
    ISessionValueConverter converter,
    LegacySessionFormat format,
    SessionBridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<LegacySessionMiddleware> logger) : IMiddleware
{
    private readonly LegacySessionOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var behavior = context.GetEndpoint()?.Metadata.GetMetadata<LegacySessionAttribute>()?.Behavior ?? _options.DefaultBehavior;
        var presentedId = SessionCookie.Read(context.Request, _options.CookieName, _options.LegacyPlatform);
        if (behavior == LegacySessionBehavior.Disabled)
        {
            await AdviseAsync(presentedId, context.RequestAborted).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
            return;
        }

        var exclusive = behavior == LegacySessionBehavior.Required;
        using var activity = SessionBridgeMetrics.ActivitySource.StartActivity("SessionBridge.Session");
        activity?.SetTag("sessionbridge.behavior", exclusive ? "required" : "readonly");
        activity?.SetTag("sessionbridge.store", store.StoreName);

        AcquiredSession acquired;
        try
        {
            acquired = await AcquireAsync(presentedId, exclusive, context.RequestAborted).ConfigureAwait(false);
        }
        catch (LegacySessionQueueFullException ex)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "Too many requests for this session", ex.Message).ConfigureAwait(false);
            return;
        }
        catch (SessionStoreUnavailableException)
        {
            await WriteStoreFailureAsync(context).ConfigureAwait(false);
            return;
        }
        catch (LegacySessionFormatException)
        {
            await WriteProblemAsync(context, _options.CorruptSessionStatusCode, "The session cannot be read",
                "The stored session is corrupt or in a format this application does not read; it was left unchanged.").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            LockLog.WaitCancelled(logger, SessionIdForLog.Shorten(presentedId));
            return;
        }

        if (acquired.IsNew)
        {
            MiddlewareLog.NewSession(logger, SessionIdForLog.Shorten(acquired.Id));
        }

        activity?.SetTag("sessionbridge.new", acquired.IsNew);
        // Type-20 values read and write through the application's type map (LegacySessionOptions.Types).
        var state = new LegacySessionState(acquired.Id, acquired.Data, acquired.IsNew, !exclusive, converter);
        var feature = new LegacySessionFeature(state, new LegacySessionView(state, _options.SessionKeys));
        var previousSessionFeature = context.Features.Get<ISessionFeature>();
        context.Features.Set<ILegacySessionFeature>(feature);
        context.Features.Set<ISessionFeature>(feature);
        try
        {
            if (exclusive)
            {
                await RunExclusiveAsync(context, next, acquired, state).ConfigureAwait(false);
            }
            else
            {
                await next(context).ConfigureAwait(false);
            }
        }
        finally
        {
            context.Features.Set<ILegacySessionFeature>(null);
            context.Features.Set(previousSessionFeature);
        }
    }

    private async Task RunExclusiveAsync(HttpContext context, RequestDelegate next, AcquiredSession acquired, LegacySessionState state)
    {
        IHttpResponseBodyFeature? originalBody = null;
        StreamResponseBodyFeature? bufferedBody = null;
        FileBufferingWriteStream? buffer = null;
        var committed = CommitOutcome.None;
        var commitDone = false;
        var cookieSent = false;
        if (_options.BufferResponse)
        {
            originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            buffer = new FileBufferingWriteStream();
            bufferedBody = new StreamResponseBodyFeature(buffer, originalBody);
            context.Features.Set<IHttpResponseBodyFeature>(bufferedBody);
        }
        else
        {
            context.Response.OnStarting(() =>
            {
                var stored = commitDone ? committed == CommitOutcome.Saved : state.NeedsSave;
                cookieSent = AppendCookies(context, acquired, state, stored);
                return Task.CompletedTask;
            });
        }

        try
        {
            try
            {
                await next(context).ConfigureAwait(false);
                if (bufferedBody is not null)
                {
                    await bufferedBody.CompleteAsync().ConfigureAwait(false);
                }
            }
            catch
            {
                RestoreBody(context, originalBody, bufferedBody);
                MiddlewareLog.EndpointFailed(logger, SessionIdForLog.Shorten(acquired.Id));
                await ReleaseAfterFailureAsync(acquired).ConfigureAwait(false);
                throw;
            }

            Exception? failure = null;
            try
            {
                committed = await CommitAsync(acquired, state).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException)
            {
                failure = ex;
                await ReleaseAfterFailureAsync(acquired).ConfigureAwait(false);
            }

            commitDone = true;
            RestoreBody(context, originalBody, bufferedBody);
            if (failure is not null || committed == CommitOutcome.LockLost)
            {
                if (context.Response.HasStarted)
                {
                    MiddlewareLog.SaveFailedAfterStart(logger, SessionIdForLog.Shorten(acquired.Id));
                    context.Abort();
                    return;
                }

                context.Response.Clear();
                if (failure is LegacySessionFormatException)
                {
                    await WriteProblemAsync(context, _options.CorruptSessionStatusCode, "The session cannot be saved",
                        "A value of the stored session is corrupt, so the session could not be written back; nothing was saved.").ConfigureAwait(false);
                }
                else if (failure is not null)
                {
                    await WriteStoreFailureAsync(context).ConfigureAwait(false);
                }
                else
                {
                    await WriteProblemAsync(context, _options.StoreFailureStatusCode, "The session was not saved",
                        "The request held the session longer than ExecutionTimeout and another request took it over; this request's changes were not saved.").ConfigureAwait(false);
                }

                return;
            }

            if (buffer is not null)
            {
                AppendCookies(context, acquired, state, committed == CommitOutcome.Saved);
                await buffer.DrainBufferAsync(originalBody!.Writer, context.RequestAborted).ConfigureAwait(false);
            }
            else if (context.Response.HasStarted && acquired.Minted && committed == CommitOutcome.Saved && !cookieSent)
            {
                MiddlewareLog.CookieTooLate(logger, SessionIdForLog.Shorten(acquired.Id));
            }
        }
        finally
        {
            bufferedBody?.Dispose();
            if (buffer is not null)
            {
                await buffer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void RestoreBody(HttpContext context, IHttpResponseBodyFeature? originalBody, StreamResponseBodyFeature? bufferedBody)
    {
        if (originalBody is not null && context.Features.Get<IHttpResponseBodyFeature>() == bufferedBody)
        {
            context.Features.Set(originalBody);
        }
    }

    private bool AppendCookies(HttpContext context, AcquiredSession acquired, LegacySessionState state, bool stored)
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

        if (acquired.Minted && stored)
        {
            SessionCookie.Append(context, _options, acquired.Id);
            return true;
        }

        return false;
    }

    private async ValueTask<AcquiredSession> AcquireAsync(string? presentedId, bool exclusive, CancellationToken cancellationToken)
    {
        if (presentedId is null)
        {
            return NewMinted();
        }

        using var ticket = coordinator.Enter(presentedId);
        var waitStarted = 0L;
        var createdUninitialized = false;
        var delay = LegacySessionDefaults.MinLockPollInterval;
        try
        {
            while (true)
            {
                var released = ticket.Released;
                var result = await store.GetItemAsync(presentedId, exclusive, cancellationToken).ConfigureAwait(false);
                switch (result.Status)
                {
                    case SessionStoreStatus.Found:
                        if (result.LockId is not null)
                        {
                            metrics.LockAcquired();
                        }

                        return new AcquiredSession(presentedId, result.Data!, result.LockId,
                            IsNew: (result.Actions & SessionStateActions.InitializeItem) != 0, InStore: true, Minted: false, timeProvider.GetTimestamp());

                    case SessionStoreStatus.NotFound:
                        if (_options.RejectUnknownIds)
                        {
                            return NewMinted();
                        }

                        if (!exclusive || createdUninitialized)
                        {
                            return new AcquiredSession(presentedId, format.CreateEmpty(_options.Timeout), null, IsNew: true, InStore: false, Minted: false, 0);
                        }

                        // SessionStateModule.GetSessionStateItem (DevDiv 146875): an unknown presented ID is reused.
                        await store.CreateUninitializedItemAsync(presentedId, _options.Timeout, cancellationToken).ConfigureAwait(false);
                        createdUninitialized = true;
                        continue;

                    default:
                        if (result.LockAge >= _options.ExecutionTimeout)
                        {
                            LockLog.Stolen(logger, SessionIdForLog.Shorten(presentedId), result.LockAge, _options.ExecutionTimeout);
                            metrics.LockStolen();
                            await store.ReleaseItemExclusiveAsync(presentedId, result.LockId!, cancellationToken).ConfigureAwait(false);
                            coordinator.SignalRelease(presentedId);
                            continue;
                        }

                        if (waitStarted == 0)
                        {
                            if (!ticket.TryStartWaiting(_options.RequestQueueLimit))
                            {
                                metrics.QueueRejected();
                                LockLog.QueueFull(logger, SessionIdForLog.Shorten(presentedId), _options.RequestQueueLimit);
                                throw new LegacySessionQueueFullException(
                                    $"{_options.RequestQueueLimit} requests already wait for this session's lock (LegacySession:RequestQueueLimit); try again shortly.");
                            }

                            waitStarted = timeProvider.GetTimestamp();
                            LockLog.Waiting(logger, SessionIdForLog.Shorten(presentedId), result.LockAge);
                        }

                        await WaitForReleaseAsync(released, presentedId, delay, cancellationToken).ConfigureAwait(false);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxLockPollInterval.Ticks));
                        break;
                }
            }
        }
        finally
        {
            if (waitStarted != 0)
            {
                metrics.LockWaited(timeProvider.GetElapsedTime(waitStarted));
            }
        }
    }

    private AcquiredSession NewMinted() =>
        new(SessionIds.Create(_options.LegacyPlatform), format.CreateEmpty(_options.Timeout), null, IsNew: true, InStore: false, Minted: true, 0);

    private async Task WaitForReleaseAsync(Task released, string sessionId, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poll = store.Store is ISessionLockReleaseNotifier notifier
            ? notifier.WaitForReleaseAsync(sessionId, delay, stop.Token).AsTask()
            : Task.Delay(delay, timeProvider, stop.Token);
        var winner = await Task.WhenAny(released, poll).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (winner == poll && poll.IsFaulted)
        {
            // A failing notification only costs the wake-up; the next read reports a failing store.
            _ = poll.Exception;
        }
        else if (winner != poll)
        {
            _ = poll.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async ValueTask<CommitOutcome> CommitAsync(AcquiredSession acquired, LegacySessionState state)
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
                coordinator.SignalRelease(acquired.Id);
            }
        }
    }

    private async ValueTask ReleaseAfterFailureAsync(AcquiredSession acquired)
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
            coordinator.SignalRelease(acquired.Id);
        }
    }

    private async ValueTask AdviseAsync(string? presentedId, CancellationToken cancellationToken)
    {
        if (presentedId is null)
        {
            return;
        }

        try
        {
            await store.ResetItemTimeoutAsync(presentedId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException)
        {
            MiddlewareLog.ResetTimeoutFailed(logger, ex, SessionIdForLog.Shorten(presentedId));
        }
    }

    private Task WriteStoreFailureAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return WriteProblemAsync(context, _options.StoreFailureStatusCode, "The session store is unavailable",
            "The session could not be read or saved because the session store failed or did not answer in time; nothing was saved. Try again shortly.");
    }

    private static Task WriteProblemAsync(HttpContext context, int statusCode, string title, string detail)
    {
        Activity.Current?.SetStatus(ActivityStatusCode.Error, title);
        return TypedResults.Problem(detail, statusCode: statusCode, title: title).ExecuteAsync(context);
    }
}
