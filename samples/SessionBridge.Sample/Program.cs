using System.Globalization;
using SessionBridge;
using SessionBridge.Legacy.Format;
using SessionBridge.Sample;

var builder = WebApplication.CreateBuilder(args);

// The store is chosen by configuration: LegacySession:Store = InMemory (the default, embedded in this process),
// DistributedCache (here over AddDistributedMemoryCache; any IDistributedCache works), Redis (shares sessions with a
// legacy app on Microsoft.Web.RedisSessionStateProvider: LegacySession:Redis:Configuration and
// LegacySession:ApplicationName, the provider's connectionString and applicationName) or StateServer (the ASP.NET state
// server, or SessionBridge's, at LegacySession:StateServer:ConnectionString, e.g. tcpip=127.0.0.1:42424, for the legacy
// application LegacySession:StateServer:ApplicationId, e.g. /LM/W3SVC/1/ROOT/MyApp).
builder.Services.AddDistributedMemoryCache();
builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"))
    .AddInMemoryStore()
    .AddDistributedCacheStore()
    .AddRedisStore()         // binds LegacySession:Redis and LegacySession:ApplicationName
    .AddStateServerStore();  // binds LegacySession:StateServer
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
public partial class Program;
