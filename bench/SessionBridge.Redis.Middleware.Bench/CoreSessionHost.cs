using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace SessionBridge.Redis.Middleware.Bench;

/// <summary>
/// The baseline: ASP.NET Core's <c>AddSession</c> over Microsoft's RedisCache (<c>AddStackExchangeRedisCache</c>, its
/// own connection from the configuration, as an application sets it up), with the same counter endpoints as <see cref="BridgeSessionHost"/>. Run as its own process (<c>--core-host</c>); processes share a data-protection key directory so each
/// reads the other's session cookie.
/// </summary>
internal static class CoreSessionHost
{
    public static async Task RunAsync(int port, string redis, string keysDirectory)
    {
        var builder = HarnessHost.CreateBuilder(port);
        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false;
        builder.Services.AddStackExchangeRedisCache(o => o.ConfigurationOptions = options);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keysDirectory)).SetApplicationName("SessionBridgeBench");
        builder.Services.AddSession(o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var app = builder.Build();
        app.UseSession();
        app.MapGet("/health", () => "ok");
        app.MapPost("/counter/increment", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            var count = (context.Session.GetInt32("Count") ?? 0) + 1;
            context.Session.SetInt32("Count", count);
            return Results.Text(count.ToString(CultureInfo.InvariantCulture));
        });
        app.MapGet("/counter", async (HttpContext context) =>
        {
            await context.Session.LoadAsync(context.RequestAborted);
            return Results.Text((context.Session.GetInt32("Count") ?? 0).ToString(CultureInfo.InvariantCulture));
        });
        await app.RunAsync();
    }
}
