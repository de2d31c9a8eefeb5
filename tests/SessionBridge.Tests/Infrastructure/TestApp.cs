using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionBridge.Hosting;
using SessionBridge.Legacy.Stores;
using SessionBridge.Legacy.Stores.InMemory;
using SessionBridge.Locking;

namespace SessionBridge.Tests.Infrastructure;

/// <summary>An application on TestServer with the legacy session middleware and the endpoints a test maps.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string CookieName = "ASP.NET_SessionId";

    private TestApp(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public ILegacySessionStore Store => App.Services.GetRequiredService<LegacySessionStoreResolver>().Store;

    public SessionLockCoordinator Coordinator => App.Services.GetRequiredService<SessionLockCoordinator>();

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<LegacySessionOptions>? configure = null,
        TimeProvider? time = null,
        ILegacySessionStore? store = null,
        Action<InMemorySessionStoreOptions>? inMemory = null,
        Action<IServiceCollection>? configureServices = null,
        Action<ILegacySessionBuilder>? configureSessions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        configureServices?.Invoke(builder.Services);
        var sessions = builder.Services.AddLegacySession(configure);
        configureSessions?.Invoke(sessions);
        if (inMemory is not null)
        {
            sessions.AddInMemoryStore(inMemory);
        }

        if (store is not null)
        {
            sessions.AddStore("Test", _ => store);
        }

        var app = builder.Build();
        app.UseRouting();
        app.UseLegacySession();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestApp(app);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? sessionId = null) =>
        SendCancellableAsync(method, path, sessionId, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> SendCancellableAsync(HttpMethod method, string path, string? sessionId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={sessionId}");
        }

        return Client.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? sessionId = null) => SendAsync(HttpMethod.Get, path, sessionId);

    public Task<HttpResponseMessage> PostAsync(string path, string? sessionId = null) => SendAsync(HttpMethod.Post, path, sessionId);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }

    /// <summary>The raw Set-Cookie header for the session cookie, or null.</summary>
    public static string? SessionSetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.SingleOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal))
            : null;

    /// <summary>The session ID the response's cookie carries, or null.</summary>
    public static string? SessionIdFrom(HttpResponseMessage response) =>
        SessionSetCookie(response) is { } cookie ? cookie[(CookieName.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)] : null;

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;
}
