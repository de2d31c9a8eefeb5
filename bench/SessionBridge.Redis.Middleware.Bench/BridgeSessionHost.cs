using System.Globalization;

namespace SessionBridge.Redis.Middleware.Bench;

/// <summary>
/// SessionBridge's side: the same host as <see cref="CoreSessionHost"/> (<see cref="HarnessHost"/>, the same
/// endpoints), with <c>UseLegacySession()</c> on the Redis store instead of <c>UseSession()</c>, so the two sides differ
/// only in the session. Run as its own process (<c>--bridge-host</c>).
/// </summary>
internal static class BridgeSessionHost
{
    public static async Task RunAsync(int port, string redis, string applicationName)
    {
        var builder = HarnessHost.CreateBuilder(port);
        builder.Services.AddLegacySession(o =>
            {
                o.Store = "Redis";
                o.RequestQueueLimit = 1000;
            })
            .AddRedisStore(o =>
            {
                o.Configuration = redis;
                o.ApplicationName = applicationName;
            });
        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.MapGet("/health", () => "ok").WithLegacySession(LegacySessionBehavior.Disabled);
        app.MapPost("/counter/increment", (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            var count = (session.GetInt32("Count") ?? 0) + 1;
            session["Count"] = count;
            return Results.Text(count.ToString(CultureInfo.InvariantCulture));
        }).WithLegacySession(LegacySessionBehavior.Required);
        app.MapGet("/counter", (HttpContext context) =>
            Results.Text((context.GetLegacySession().GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture)))
            .WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapGet("/slow", async (HttpContext context, int ms) =>
        {
            _ = context.GetLegacySession();
            await Task.Delay(ms, context.RequestAborted);
            return Results.Text("held");
        }).WithLegacySession(LegacySessionBehavior.Required);
        await app.RunAsync();
    }
}
