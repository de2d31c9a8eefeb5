using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SessionBridge.Tests.Infrastructure;

/// <summary>Endpoints the pipeline tests share.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/inc", (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            var count = (session.GetInt32("Count") ?? 0) + 1;
            session["Count"] = count;
            return count.ToString(CultureInfo.InvariantCulture);
        });

        app.MapGet("/count", (HttpContext context) =>
            (context.GetLegacySession().GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture))
            .WithLegacySession(LegacySessionBehavior.ReadOnly);

        app.MapGet("/info", (HttpContext context) => Info(context.GetLegacySession()));
        app.MapGet("/info-ro", (HttpContext context) => Info(context.GetLegacySession())).WithLegacySession(LegacySessionBehavior.ReadOnly);

        app.MapPost("/abandon", (HttpContext context) =>
        {
            context.GetLegacySession().Abandon();
            return "abandoned";
        });

        app.MapPost("/timeout", (HttpContext context, int minutes) =>
        {
            context.GetLegacySession().Timeout = minutes;
            return "ok";
        });

        app.MapPost("/throw", string (HttpContext context) =>
        {
            context.GetLegacySession()["Count"] = 99;
            throw new InvalidOperationException("The endpoint failed.");
        });

        app.MapPost("/write-readonly", (HttpContext context) =>
        {
            try
            {
                context.GetLegacySession()["Count"] = 1;
                return "written";
            }
            catch (InvalidOperationException ex)
            {
                return "refused: " + ex.Message;
            }
        }).WithLegacySession(LegacySessionBehavior.ReadOnly);

        app.MapGet("/disabled", (HttpContext context) => context.TryGetLegacySession() is null ? "no session" : "session")
            .WithLegacySession(LegacySessionBehavior.Disabled);
    }

    private static string Info(ILegacySessionState session) => string.Join('|',
        session.IsNewSession ? "new" : "existing",
        session.SessionID,
        (session.GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture),
        session.Count.ToString(CultureInfo.InvariantCulture));
}
