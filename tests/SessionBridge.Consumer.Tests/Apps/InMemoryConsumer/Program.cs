// A new application on the embedded in-memory store only: it must restore no Redis client and no Polly.
using SessionBridge;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddLegacySession();
var app = builder.Build();
app.UseRouting();
app.UseLegacySession();
app.MapGet("/", (HttpContext context) => context.GetLegacySession().SessionID);
app.Run();
