using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using SessionBridge;
using SessionBridge.Authentication;
using SessionBridge.Legacy.Configuration;
using SessionBridge.Legacy.Format;
using SessionBridge.Sample;

var builder = WebApplication.CreateBuilder(args);

// LegacySession:WebConfig=<path> reads the legacy app's web.config (sessionState, machineKey, forms, …) as the
// LegacySession/LegacyAuthentication settings; LegacySession:LegacyPlatform=Mono when the legacy app runs on Mono.
// AddLegacyWebConfig puts the web.config under every other source. This sample's appsettings.json only restates
// SessionBridge's defaults and demo servers, so here the web.config is moved just above the JSON files: the legacy
// app's settings win over the demo values, environment variables and the command line still win over both.
if (builder.Configuration["LegacySession:WebConfig"] is { Length: > 0 } webConfig)
{
    var platform = builder.Configuration["LegacySession:LegacyPlatform"] ?? nameof(LegacyPlatform.SystemWeb);
    IConfigurationBuilder configuration = builder.Configuration;
    configuration.AddLegacyWebConfig(webConfig, Enum.TryParse<LegacyPlatform>(platform, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
        ? parsed
        : throw new InvalidOperationException($"LegacySession:LegacyPlatform is '{platform}'; set SystemWeb or Mono."));
    var source = configuration.Sources[0];
    configuration.Sources.RemoveAt(0);
    var lastJson = configuration.Sources.Select((s, i) => (s, i)).LastOrDefault(p => p.s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource).i;
    configuration.Sources.Insert(lastJson + 1, source);
}

// The store is chosen by configuration: LegacySession:Store = InMemory (the default, embedded in this process),
// DistributedCache (here over AddDistributedMemoryCache; any IDistributedCache works), Redis (shares sessions with a
// legacy app on Microsoft.Web.RedisSessionStateProvider: LegacySession:Redis:Configuration and
// LegacySession:ApplicationName, the provider's connectionString and applicationName) or StateServer (the ASP.NET state
// server, or SessionBridge's, at LegacySession:StateServer:ConnectionString, e.g. tcpip=127.0.0.1:42424, for the legacy
// application LegacySession:StateServer:ApplicationId, e.g. /LM/W3SVC/1/ROOT/MyApp) or SqlServer (the legacy app's ASPState
// database: LegacySession:SqlServer:ConnectionString and LegacySession:SqlServer:ApplicationId, or :Suffix).
builder.Services.AddDistributedMemoryCache();
builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"))
    .AddInMemoryStore()
    .AddDistributedCacheStore()
    .AddRedisStore()         // binds LegacySession:Redis and LegacySession:ApplicationName
    .AddStateServerStore()   // binds LegacySession:StateServer
    .AddSqlServerStore();    // binds LegacySession:SqlServer
builder.Services.AddHealthChecks().AddLegacySessionStore();

// The legacy app's [Serializable] cart, read and written as this app's Cart: the names are those the legacy types'
// BinaryFormatter writes (public fields Items, CartId, Sku, Quantity, Price of LegacyApp.Models.* in LegacyApp.dll).
builder.Services.Configure<LegacySessionOptions>(o => o.Types
    .Map<Cart>("LegacyApp.Models.Cart, LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", m => m
        .Field(nameof(Cart.Items), "Items")
        .Field(nameof(Cart.CartId), "CartId"))
    .Map<CartItem>("LegacyApp.Models.CartItem, LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", m => m
        .Field(nameof(CartItem.Sku), "Sku")
        .Field(nameof(CartItem.Quantity), "Quantity")
        .Field(nameof(CartItem.Price), "Price")));

// Shared login: the legacy app's FormsAuthentication and OWIN cookies, read and written with its <machineKey>
// (LegacyAuthentication:MachineKey), and the user it keeps in the session (Session["UserName"]).
var legacyAuthentication = builder.Configuration.GetSection(LegacyAuthenticationDefaults.ConfigurationSection);
builder.Services.AddAuthentication()
    .AddLegacyFormsAuthentication(legacyAuthentication)
    .AddLegacyOwinCookieAuthentication(legacyAuthentication)
    .AddLegacySessionAuthentication(legacyAuthentication);

var app = builder.Build();

app.UseRouting();
app.UseLegacySession();
app.UseAuthentication();

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

// POST /login?user=NAME signs in everywhere the legacy app looks: its .ASPXAUTH ticket, its OWIN cookie and
// Session["UserName"] (the session moves to a new ID: no session fixation).
app.MapPost("/login", async (HttpContext context, string? user) =>
{
    if (string.IsNullOrWhiteSpace(user) || user.Length > 100)
    {
        return Results.Problem("Pass ?user=NAME (1 to 100 characters).", statusCode: StatusCodes.Status400BadRequest);
    }

    var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], "Sample", ClaimTypes.Name, ClaimTypes.Role));
    foreach (var scheme in LoginSchemes)
    {
        await context.SignInAsync(scheme, principal);
    }

    return Results.Text($"Logged in as {user}.");
}).WithLegacySession(LegacySessionBehavior.Required);

// GET /whoami: the first legacy identity present (forms ticket, OWIN cookie, session), as JSON; 401 without.
app.MapGet("/whoami", async (HttpContext context) =>
{
    foreach (var scheme in LoginSchemes)
    {
        var result = await context.AuthenticateAsync(scheme);
        if (result.Succeeded && result.Principal.Identity is { } identity)
        {
            return Results.Json(new
            {
                name = identity.Name,
                authenticationType = identity.AuthenticationType,
                scheme,
                claims = result.Principal.Claims.Select(c => new { type = c.Type, value = c.Value }),
            });
        }
    }

    return Results.Json(new { error = "Not logged in." }, statusCode: StatusCodes.Status401Unauthorized);
}).WithLegacySession(LegacySessionBehavior.ReadOnly);

// POST /logout signs out everywhere: both cookies are cleared and the session is abandoned.
app.MapPost("/logout", async (HttpContext context) =>
{
    foreach (var scheme in LoginSchemes)
    {
        await context.SignOutAsync(scheme);
    }

    return Results.Text("Logged out.");
}).WithLegacySession(LegacySessionBehavior.Required);

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

// The cart: a mapped [Serializable] object, stored as the NRBF stream the legacy app's BinaryFormatter reads.
app.MapPost("/cart/add", (HttpContext context, string? sku, int? quantity, decimal? price) =>
{
    if (string.IsNullOrWhiteSpace(sku) || sku.Length > 50 || quantity is not (null or (>= 1 and <= 1000)) || price is not (null or (>= 0 and <= 1_000_000)))
    {
        return Results.Problem("Pass ?sku=SKU (1 to 50 characters), optionally &quantity=1..1000 and &price=0..1000000.", statusCode: StatusCodes.Status400BadRequest);
    }

    var session = context.GetLegacySession();
    var cart = session["Cart"] as Cart ?? new Cart { CartId = Guid.NewGuid() };
    var line = cart.Items.Find(i => i.Sku == sku);
    if (line is null)
    {
        cart.Items.Add(new CartItem { Sku = sku, Quantity = quantity ?? 1, Price = price ?? 0 });
    }
    else
    {
        line.Quantity += quantity ?? 1;
    }

    session["Cart"] = cart;
    return Results.Json(cart);
}).WithLegacySession(LegacySessionBehavior.Required);

app.MapGet("/cart", (HttpContext context) => Results.Json(context.GetLegacySession()["Cart"] as Cart ?? new Cart()))
    .WithLegacySession(LegacySessionBehavior.ReadOnly);

app.MapGet("/session", (HttpContext context, LegacySessionFormat format) =>
    Results.Text(SessionItemsJson.Write(context.GetLegacySession(), format.Values!), "application/json"))
    .WithLegacySession(LegacySessionBehavior.ReadOnly);

app.Run();

/// <summary>The sample's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program
{
    private static readonly string[] LoginSchemes =
        [LegacyAuthenticationDefaults.FormsScheme, LegacyAuthenticationDefaults.OwinCookieScheme, LegacyAuthenticationDefaults.SessionScheme];
}
