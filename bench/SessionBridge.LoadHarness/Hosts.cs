using System.Globalization;
using SessionBridge.Locking;

namespace SessionBridge.LoadHarness;

/// <summary>The three applications under test, each on Kestrel at a free 127.0.0.1 port.</summary>
internal static class Hosts
{
    public static async Task<WebApplication> StartNoSessionAsync()
    {
        var builder = NewBuilder();
        var app = builder.Build();
        var count = 0;
        app.MapPost("/inc", () => Interlocked.Increment(ref count).ToString(CultureInfo.InvariantCulture));
        app.MapGet("/count", () => Volatile.Read(ref count).ToString(CultureInfo.InvariantCulture));
        await app.StartAsync();
        return app;
    }

    public static async Task<WebApplication> StartCoreSessionAsync()
    {
        var builder = NewBuilder();
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession();
        var app = builder.Build();
        app.UseSession();
        app.MapPost("/inc", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            var count = (context.Session.GetInt32("Count") ?? 0) + 1;
            context.Session.SetInt32("Count", count);
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapPost("/inc-with-work", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            var count = (context.Session.GetInt32("Count") ?? 0) + 1;
            await Task.Delay(1, context.RequestAborted);
            context.Session.SetInt32("Count", count);
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/count", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            return (context.Session.GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture);
        });
        await app.StartAsync();
        return app;
    }

    public static async Task<WebApplication> StartSessionBridgeAsync(HandoffProbe probe)
    {
        var builder = NewBuilder();
        builder.Services.AddLegacySession(o => o.RequestQueueLimit = 1000).AddInMemoryStore();
        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.MapPost("/inc", (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            var count = (session.GetInt32("Count") ?? 0) + 1;
            session["Count"] = count;
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapPost("/inc-with-work", async (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            var count = (session.GetInt32("Count") ?? 0) + 1;
            await Task.Delay(1, context.RequestAborted);
            session["Count"] = count;
            return count.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/count", (HttpContext context) =>
            (context.GetLegacySession().GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture))
            .WithLegacySession(LegacySessionBehavior.ReadOnly);

        // Hand-off probe: the first request holds the lock until the second waits for it, notes when it ends, and
        // the second notes when it starts; the difference is the hand-off as endpoints see it (save, release, wake, read).
        var coordinator = app.Services.GetRequiredService<SessionLockCoordinator>();
        app.MapPost("/handoff/first", async (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            session["Count"] = (session.GetInt32("Count") ?? 0) + 1;
            probe.FirstInside.TrySetResult();
            while (coordinator.GetWaitingCount(session.SessionID) == 0)
            {
                await Task.Delay(1, context.RequestAborted);
            }

            probe.FirstEnded = TimeProvider.System.GetTimestamp();
            return "first";
        });
        app.MapPost("/handoff/second", (HttpContext context) =>
        {
            probe.SecondStarted = TimeProvider.System.GetTimestamp();
            var session = context.GetLegacySession();
            session["Count"] = (session.GetInt32("Count") ?? 0) + 1;
            return "second";
        });
        await app.StartAsync();
        return app;
    }

    private static WebApplicationBuilder NewBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }
}
