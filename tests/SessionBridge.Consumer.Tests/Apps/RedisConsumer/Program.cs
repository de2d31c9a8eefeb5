// A new application as a user writes it: Microsoft's RedisCache and SessionBridge's Redis store side by side, from packages.
using Microsoft.Extensions.Caching.Distributed;
using SessionBridge;

var builder = WebApplication.CreateBuilder(args);
var redis = builder.Configuration["Redis"] ?? throw new InvalidOperationException("Pass --Redis host:port.");
builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
builder.Services.AddLegacySession().AddRedisStore(o => o.Configuration = redis);

var app = builder.Build();
app.UseRouting();
app.UseLegacySession();
app.MapPost("/increment", (HttpContext context) =>
{
    var session = context.GetLegacySession();
    var count = (int)(session["Count"] ?? 0) + 1;
    session["Count"] = count;
    return count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}).WithLegacySession(LegacySessionBehavior.Required);
app.MapGet("/cache", async (IDistributedCache cache) =>
{
    await cache.SetStringAsync("consumer-probe", "ok");
    return await cache.GetStringAsync("consumer-probe");
}).WithLegacySession(LegacySessionBehavior.Disabled);
app.Run();
