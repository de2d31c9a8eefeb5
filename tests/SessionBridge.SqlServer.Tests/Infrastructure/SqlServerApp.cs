using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionBridge.SqlServer.Procedures;

namespace SessionBridge.SqlServer.Tests.Infrastructure;

/// <summary>An application on TestServer using the SQL Server store, configured as a user would, from configuration.</summary>
internal sealed class SqlServerApp : IAsyncDisposable
{
    public const string CookieName = "ASP.NET_SessionId";

    private SqlServerApp(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the app; <paramref name="executor"/> replaces Microsoft.Data.SqlClient (the procedure model), or null for the real client.</summary>
    public static async Task<SqlServerApp> StartAsync(IDictionary<string, string?> settings, ISqlProcedureExecutor? executor)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        if (executor is not null)
        {
            builder.Services.AddSingleton(executor);
        }

        builder.Services.AddLegacySession(builder.Configuration.GetSection("LegacySession"))
            .AddInMemoryStore()
            .AddSqlServerStore();
        builder.Services.AddHealthChecks().AddLegacySessionStore();

        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.MapPost("/count", (HttpContext context) =>
        {
            var session = context.GetLegacySession();
            var count = (session["Count"] as int? ?? 0) + 1;
            session["Count"] = count;
            return Results.Text(count.ToString(CultureInfo.InvariantCulture));
        }).WithLegacySession(LegacySessionBehavior.Required);
        app.MapGet("/count", (HttpContext context) =>
            Results.Text((context.GetLegacySession()["Count"] as int? ?? 0).ToString(CultureInfo.InvariantCulture)))
            .WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapHealthChecks("/health").WithLegacySession(LegacySessionBehavior.Disabled);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new SqlServerApp(app);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? sessionId = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={sessionId}");
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static string? SessionIdFrom(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) && values.FirstOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal)) is { } cookie
            ? cookie[(CookieName.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)]
            : null;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
