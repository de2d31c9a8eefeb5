using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionBridge.Session;

/// <summary>Carries the legacy session, and its <see cref="ISession"/> view as the request's <see cref="ISessionFeature"/>.</summary>
internal sealed class LegacySessionFeature(LegacySessionState session, ISession view) : ILegacySessionFeature, ISessionFeature
{
    public LegacySessionState Session { get; } = session;

    ISession ISessionFeature.Session
    {
        get => view;
        set => throw new InvalidOperationException("HttpContext.Session is the legacy session's view while UseLegacySession() runs; it cannot be replaced.");
    }
}
