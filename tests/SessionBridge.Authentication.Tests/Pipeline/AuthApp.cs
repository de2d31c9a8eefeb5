using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace SessionBridge.Authentication.Tests.Pipeline;

/// <summary>
/// A TestServer app with the legacy session and one legacy scheme: <c>POST /signin?user=&amp;persistent=&amp;roles=</c>,
/// <c>GET /me</c> (name and claims, 401 without), <c>POST /signout</c>, <c>GET /secure</c> (challenge), <c>GET /forbid</c>.
/// </summary>
internal sealed class AuthApp : IAsyncDisposable
{
    private AuthApp(WebApplication app, FakeTimeProvider time)
    {
        App = app;
        Time = time;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<AuthApp> StartAsync(string scheme, Action<AuthenticationBuilder> add, DateTimeOffset now)
    {
        var time = new FakeTimeProvider(now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddLegacySession(o => { }).AddInMemoryStore();
        var authentication = builder.Services.AddAuthentication(scheme);
        add(authentication);
        builder.Services.PostConfigureAll<AuthenticationSchemeOptions>(o => o.TimeProvider = time);
        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        app.UseAuthentication();

        app.MapPost("/signin", async (HttpContext context, string user, bool? persistent, string? roles, string? id) =>
        {
            var identity = new ClaimsIdentity("Test", ClaimTypes.Name, ClaimTypes.Role);
            identity.AddClaim(new Claim(ClaimTypes.Name, user));
            if (id is not null)
            {
                identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, id));
            }

            foreach (var role in (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                identity.AddClaim(new Claim(ClaimTypes.Role, role));
            }

            await context.SignInAsync(scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = persistent ?? false });
            return Results.Text("ok");
        }).WithLegacySession(LegacySessionBehavior.Required);
        app.MapGet("/me", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync(scheme);
            return result.Succeeded
                ? Results.Json(new
                {
                    name = result.Principal!.Identity!.Name,
                    authenticationType = result.Principal.Identity.AuthenticationType,
                    claims = result.Principal.Claims.Select(c => new { type = c.Type, value = c.Value }),
                })
                : Results.Text("signed out", statusCode: 401);
        }).WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(scheme);
            return Results.Text("ok");
        }).WithLegacySession(LegacySessionBehavior.Required);
        app.MapGet("/secure", (HttpContext context) => context.ChallengeAsync(scheme));
        app.MapGet("/forbid", (HttpContext context) => context.ForbidAsync(scheme));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new AuthApp(app, time);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params string[] cookies)
    {
        using var request = new HttpRequestMessage(method, path);
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    /// <summary>The <c>name=value</c> pair of a Set-Cookie header.</summary>
    public static string? Pair(HttpResponseMessage response, string name) =>
        SetCookies(response).Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    public static string? Value(HttpResponseMessage response, string name) => Pair(response, name)?[(name.Length + 1)..];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
