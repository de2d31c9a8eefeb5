using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;
using SessionBridge.Legacy.Stores;
using SessionBridge.Locking;
using SessionBridge.Session;

namespace SessionBridge.Middleware;

/// <summary>
/// One request, end to end (DESIGN.md): the endpoint's behaviour and the cookie, then acquire
/// (<see cref="SessionLockAcquirer"/>), run the endpoint (its response buffered by <see cref="BufferedResponse"/> when
/// exclusive), and commit (<see cref="SessionCommitter"/>); failures are answered by <see cref="SessionProblems"/>.
/// </summary>
internal sealed class LegacySessionMiddleware(
    IOptions<LegacySessionOptions> options,
    LegacySessionEndpointPolicy policy,
    SessionLockAcquirer acquirer,
    SessionCommitter committer,
    SessionProblems problems,
    StoreInvoker store,
    ISessionValueConverter converter,
    ILogger<LegacySessionMiddleware> logger) : IMiddleware
{
    private readonly LegacySessionOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var behavior = policy.GetBehavior(context);
        var presentedId = SessionCookie.Read(context.Request, _options.CookieName, _options.LegacyPlatform);
        if (behavior == LegacySessionBehavior.Disabled)
        {
            await SlideExpiryAsync(presentedId, context.RequestAborted).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
            return;
        }

        var exclusive = behavior == LegacySessionBehavior.Required;
        using var activity = SessionBridgeMetrics.ActivitySource.StartActivity("SessionBridge.Session");
        activity?.SetTag("sessionbridge.behavior", exclusive ? "required" : "readonly");
        activity?.SetTag("sessionbridge.store", store.StoreName);

        // 1. Acquire.
        AcquiredSession acquired;
        try
        {
            acquired = await acquirer.AcquireAsync(presentedId, exclusive, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (SessionProblems.Handles(ex))
        {
            await problems.WriteAcquireFailureAsync(context, ex).ConfigureAwait(false);
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
        var state = new LegacySessionState(acquired.Id, acquired.Data, acquired.IsNew, !exclusive, converter);
        var feature = new LegacySessionFeature(state, new LegacySessionView(state, _options.SessionKeys));
        var previousSessionFeature = context.Features.Get<ISessionFeature>();
        context.Features.Set<ILegacySessionFeature>(feature);
        context.Features.Set<ISessionFeature>(feature);
        try
        {
            if (exclusive)
            {
                // 2. Run and 3. commit.
                await RunExclusiveAsync(context, next, acquired, state).ConfigureAwait(false);
            }
            else
            {
                // A read-only request holds no lock: nothing to commit.
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
        var committed = CommitOutcome.None;
        var commitDone = false;
        var cookieSent = false;
        await using var buffered = _options.BufferResponse ? BufferedResponse.Start(context) : null;
        if (buffered is null)
        {
            // Unbuffered: the cookie must go with the headers, so it is decided when they are sent.
            context.Response.OnStarting(() =>
            {
                var stored = commitDone ? committed == CommitOutcome.Saved : state.NeedsSave;
                cookieSent = committer.AppendCookie(context, acquired, state, stored);
                return Task.CompletedTask;
            });
        }

        try
        {
            await next(context).ConfigureAwait(false);
            if (buffered is not null)
            {
                await buffered.CompleteEndpointAsync().ConfigureAwait(false);
            }
        }
        catch
        {
            buffered?.Restore();
            MiddlewareLog.EndpointFailed(logger, SessionIdForLog.Shorten(acquired.Id));
            await committer.ReleaseAfterFailureAsync(acquired).ConfigureAwait(false);
            throw;
        }

        Exception? failure = null;
        try
        {
            committed = await committer.CommitAsync(acquired, state).ConfigureAwait(false);
        }
        catch (Exception ex) when (SessionProblems.Handles(ex))
        {
            failure = ex;
        }

        commitDone = true;
        buffered?.Restore();
        if (failure is not null || committed == CommitOutcome.LockLost)
        {
            if (context.Response.HasStarted)
            {
                MiddlewareLog.SaveFailedAfterStart(logger, SessionIdForLog.Shorten(acquired.Id));
                context.Abort();
                return;
            }

            context.Response.Clear();
            await problems.WriteCommitFailureAsync(context, failure).ConfigureAwait(false);
            return;
        }

        if (buffered is not null)
        {
            committer.AppendCookie(context, acquired, state, committed == CommitOutcome.Saved);
            await buffered.SendAsync(context.RequestAborted).ConfigureAwait(false);
        }
        else if (context.Response.HasStarted && acquired.Minted && committed == CommitOutcome.Saved && !cookieSent)
        {
            MiddlewareLog.CookieTooLate(logger, SessionIdForLog.Shorten(acquired.Id));
        }
    }

    /// <summary>An endpoint without session still slides the session's expiry, as System.Web's module does.</summary>
    private async ValueTask SlideExpiryAsync(string? presentedId, CancellationToken cancellationToken)
    {
        if (presentedId is null)
        {
            return;
        }

        try
        {
            await store.ResetItemTimeoutAsync(presentedId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SessionStoreUnavailableException or Legacy.Format.LegacySessionFormatException)
        {
            MiddlewareLog.ResetTimeoutFailed(logger, ex, SessionIdForLog.Shorten(presentedId));
        }
    }
}
