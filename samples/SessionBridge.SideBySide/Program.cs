using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using SessionBridge;
using SessionBridge.Legacy.Configuration;
using SessionBridge.SideBySide;
using Yarp.ReverseProxy.Configuration;

// The side-by-side migration: this ASP.NET Core app is the front door. It serves the pages already migrated
// (/products/{sku}, /cart, POST /cart/add, POST /logout) and forwards every other request to the legacy System.Web
// app with YARP. Both halves use one session, in one store, in the legacy app's format.
var builder = WebApplication.CreateBuilder(args);

// Start the store and the legacy app first: the legacy web.config is written with the store's port, and this app
// reads its session settings (mode, server, timeout, cookie name) from that same file.
var webConfig = Path.GetFullPath(builder.Configuration["LegacySession:WebConfig"] is { Length: > 0 } configured ? configured : "legacy/web.config",
    builder.Environment.ContentRootPath);
LegacyStack legacy;
try
{
    legacy = await LegacyStack.StartAsync(webConfig, CancellationToken.None);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
{
    await Console.Error.WriteLineAsync("The side-by-side sample could not start: " + ex.Message);
    return 1;
}

try
{
    builder.Configuration.AddLegacyWebConfig(webConfig, LegacyPlatform.Mono);

    // mode="StateServer" on Mono → LegacySession:Store = MonoStateServer at tcpip=127.0.0.1:<port>.
    builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"))
        .AddMonoStateServerStore();
    builder.Services.AddHealthChecks()
        .AddLegacySessionStore("store")
        .AddCheck("legacy-app", new LegacyAppHealthCheck(legacy));

    // The front door: one catch-all route to the legacy app, after every route of this app.
    builder.Services.AddReverseProxy().LoadFromMemory(
        [new RouteConfig { RouteId = "legacy", ClusterId = "legacy", Order = int.MaxValue, Match = new RouteMatch { Path = "{**catch-all}" } }],
        [new ClusterConfig
        {
            ClusterId = "legacy",
            Destinations = new Dictionary<string, DestinationConfig> { ["mono"] = new() { Address = legacy.LegacyAddress.ToString() } },
        }]);

    var app = builder.Build();

    app.UseRouting();
    app.UseLegacySession();

    app.MapGet("/", () => Results.Redirect("/products/SKU-1")).WithLegacySession(LegacySessionBehavior.Disabled);
    app.MapGet("/products/{sku}", Pages.Product).WithLegacySession(LegacySessionBehavior.ReadOnly);
    app.MapGet("/cart", Pages.Cart).WithLegacySession(LegacySessionBehavior.ReadOnly);
    app.MapPost("/cart/add", Pages.AddToCart).WithLegacySession(LegacySessionBehavior.Required);
    app.MapPost("/logout", Pages.Logout).WithLegacySession(LegacySessionBehavior.Required);
    app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealth }).WithLegacySession(LegacySessionBehavior.Disabled);

    // The legacy app takes its own session lock: the proxied requests must not take one here too.
    app.MapReverseProxy().WithLegacySession(LegacySessionBehavior.Disabled);

    app.Lifetime.ApplicationStarted.Register(() =>
    {
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"Front door: {url}/ (legacy app at {legacy.LegacyAddress}, state server at tcpip=127.0.0.1:{legacy.StatePort})");
        }
    });

    await app.RunAsync();
    return 0;
}
finally
{
    // Ctrl+C and SIGTERM stop the host gracefully and end up here: no child process outlives the sample.
    legacy.Dispose();
}

// "Healthy" or "Unhealthy", then one line per part: this app answered, so it is up; the legacy app and the store
// are asked.
static Task WriteHealth(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
{
    var text = new StringBuilder().Append(report.Status).Append('\n').Append("core: Healthy\n");
    foreach (var (name, entry) in report.Entries)
    {
        text.Append(name).Append(": ").Append(entry.Status);
        if (entry.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
        {
            text.Append(" (").Append(entry.Description ?? entry.Exception?.Message ?? "no answer").Append(')');
        }

        text.Append('\n');
    }

    context.Response.ContentType = "text/plain; charset=utf-8";
    return context.Response.WriteAsync(text.ToString());
}
