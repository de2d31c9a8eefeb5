using SessionBridge;
using SessionBridge.Session;

namespace Microsoft.AspNetCore.Http;

/// <summary>Gets the legacy session of a request.</summary>
public static class LegacySessionHttpContextExtensions
{
    /// <summary>The request's System.Web-shaped session.</summary>
    /// <exception cref="InvalidOperationException">
    /// The request has no session: <c>UseLegacySession()</c> is not in the pipeline (or runs after this code), or the
    /// endpoint's behaviour is <see cref="LegacySessionBehavior.Disabled"/>.
    /// </exception>
    public static ILegacySessionState GetLegacySession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ILegacySessionFeature>()?.Session ?? throw new InvalidOperationException(
            "This request has no legacy session: call app.UseLegacySession() after app.UseRouting() and before the endpoints, " +
            "and do not mark the endpoint LegacySessionBehavior.Disabled.");
    }

    /// <summary>The request's session, or <see langword="null"/> when it has none.</summary>
    public static ILegacySessionState? TryGetLegacySession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ILegacySessionFeature>()?.Session;
    }
}
