using System.Globalization;
using SessionBridge;
using SessionBridge.Sample;

var builder = WebApplication.CreateBuilder(args);

// The store is chosen by configuration: LegacySession:Store = InMemory (the default, embedded in this process),
// DistributedCache (here over AddDistributedMemoryCache; any IDistributedCache works) or Redis (shared with a legacy
// app on Microsoft.Web.RedisSessionStateProvider: LegacySession:Redis:Configuration = "localhost:6379" and
// LegacySession:ApplicationName = the legacy provider's applicationName, "/" by default).
builder.Services.AddDistributedMemoryCache();
builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"))
    .AddInMemoryStore()
    .AddDistributedCacheStore()
    .AddRedisStore();
builder.Services.AddHealthChecks().AddLegacySessionStore();

var app = builder.Build();

app.UseRouting();
app.UseLegacySession();

app.MapGet("/", HomePage.Render).WithLegacySession(LegacySessionBehavior.Disabled);
app.MapHealthChecks("/health").WithLegacySession(LegacySessionBehavior.Disabled);

// Writers hold the session's exclusive lock for the whole request, as System.Web pages do.
app.MapPost("/counter/increment", (HttpContext context) =>
{
    var session = context.GetLegacySession();
    var count = (session.GetInt32("Count") ?? 0) + 1;
    session["Count"] = count;
    return Results.Text(count.ToString(CultureInfo.InvariantCulture));
}).WithLegacySession(LegacySessionBehavior.Required);

// Read-only requests take no lock and run side by side; they wait while a writer holds the lock.
app.MapGet("/counter", (HttpContext context) =>
    Results.Text((context.GetLegacySession().GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture)))
    .WithLegacySession(LegacySessionBehavior.ReadOnly);

app.MapPost("/login", (HttpContext context, string? user) =>
{
    if (string.IsNullOrWhiteSpace(user) || user.Length > 100)
    {
        return Results.Problem("Pass ?user=NAME (1 to 100 characters).", statusCode: StatusCodes.Status400BadRequest);
    }

    context.GetLegacySession()["UserName"] = user;
    return Results.Text($"Logged in as {user}.");
}).WithLegacySession(LegacySessionBehavior.Required);

app.MapGet("/whoami", (HttpContext context) =>
    context.GetLegacySession().GetString("UserName") is { } name ? Results.Text(name) : Results.Text("Not logged in.", statusCode: StatusCodes.Status401Unauthorized))
    .WithLegacySession(LegacySessionBehavior.ReadOnly);

app.MapPost("/abandon", (HttpContext context) =>
{
    context.GetLegacySession().Abandon();
    return Results.Text("Session abandoned; the next request starts a new, empty session.");
}).WithLegacySession(LegacySessionBehavior.Required);

app.MapGet("/slow", async (HttpContext context, int? ms) =>
{
    var hold = Math.Clamp(ms ?? 1000, 0, 30_000);
    var session = context.GetLegacySession();
    await Task.Delay(hold, context.RequestAborted);
    return Results.Text($"Held session {session.SessionID[..4]}… for {hold} ms.");
}).WithLegacySession(LegacySessionBehavior.Required);

app.MapGet("/session", (HttpContext context) =>
    Results.Text(SessionItemsJson.Write(context.GetLegacySession()), "application/json"))
    .WithLegacySession(LegacySessionBehavior.ReadOnly);

app.Run();

/// <summary>The sample's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
