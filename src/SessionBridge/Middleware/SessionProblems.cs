using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SessionBridge.Legacy;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Middleware;

/// <summary>
/// What the client is told when the session fails it, as RFC 7807 problem details. Only an unavailable store (a
/// connection failure, a timeout, an open circuit: <see cref="SessionStoreUnavailableException"/>) is
/// <see cref="LegacySessionOptions.StoreFailureStatusCode"/> (503) with <c>Retry-After</c>; a session that cannot be
/// read or a value that cannot be written is <see cref="LegacySessionOptions.CorruptSessionStatusCode"/> (500), and
/// the detail says which key and why; a full lock queue is 429 with <c>Retry-After: 1</c> (the session, not the store,
/// is busy); changes a request could not save because its lock was taken over after <c>ExecutionTimeout</c> are 409.
/// </summary>
internal sealed class SessionProblems(IOptions<LegacySessionOptions> options)
{
    private readonly LegacySessionOptions _options = options.Value;

    /// <summary>Whether <paramref name="exception"/> is a session failure this type answers (anything else propagates).</summary>
    public static bool Handles(Exception exception) =>
        exception is SessionStoreUnavailableException or LegacySessionFormatException or LegacySessionQueueFullException;

    /// <summary>Answers a failure to acquire the session: the endpoint did not run.</summary>
    public Task WriteAcquireFailureAsync(HttpContext context, Exception exception) => exception switch
    {
        LegacySessionQueueFullException queueFull => WriteAsync(context, StatusCodes.Status429TooManyRequests, "1",
            "Too many requests for this session", queueFull.Message),
        LegacySessionFormatException => WriteAsync(context, _options.CorruptSessionStatusCode, null, "The session cannot be read",
            "The stored session is corrupt or in a format this application does not read. It was left unchanged."),
        _ => WriteStoreUnavailableAsync(context),
    };

    /// <summary>
    /// Answers a failure to save the session after the endpoint ran: nothing was saved. <paramref name="exception"/> is
    /// <see langword="null"/> when the request's lock had been taken over.
    /// </summary>
    public Task WriteCommitFailureAsync(HttpContext context, Exception? exception) => exception switch
    {
        LegacySessionFormatException { Key: { } key } format => WriteAsync(context, _options.CorruptSessionStatusCode, null,
            "The session cannot be saved", $"The value under key '{key}' cannot be stored, so nothing was saved. {Reason(format)}"),
        LegacySessionFormatException format => WriteAsync(context, _options.CorruptSessionStatusCode, null,
            "The session cannot be saved", $"A value of the session cannot be written, so nothing was saved. {Reason(format)}"),
        null => WriteAsync(context, StatusCodes.Status409Conflict, null, "The session was not saved",
            "The request held the session longer than ExecutionTimeout and another request took it over. This request's changes were not saved."),
        _ => WriteStoreUnavailableAsync(context),
    };

    private Task WriteStoreUnavailableAsync(HttpContext context) =>
        WriteAsync(context, _options.StoreFailureStatusCode, "5", "The session store is unavailable",
            "The session could not be read or saved because the session store failed or did not answer in time. Nothing was saved. Try again shortly.");

    private static string Reason(LegacySessionFormatException exception) => MessageText.Sentence(exception.Message);

    private static Task WriteAsync(HttpContext context, int statusCode, string? retryAfter, string title, string detail)
    {
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        Activity.Current?.SetStatus(ActivityStatusCode.Error, title);
        return TypedResults.Problem(detail, statusCode: statusCode, title: title).ExecuteAsync(context);
    }
}
