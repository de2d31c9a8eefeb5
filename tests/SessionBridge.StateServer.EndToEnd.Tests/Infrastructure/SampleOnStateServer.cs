using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SessionBridge.StateServer.EndToEnd.Tests.Infrastructure;

/// <summary>The sample (WebApplicationFactory) with <c>LegacySession:Store = StateServer</c>.</summary>
internal static class SampleOnStateServer
{
    public const string ApplicationId = "/LM/W3SVC/1/ROOT/MyApp";

    public static WebApplicationFactory<Program> Create(string connectionString, IDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["LegacySession:Store"] = "StateServer",
            ["LegacySession:StateServer:ConnectionString"] = connectionString,
            ["LegacySession:StateServer:ApplicationId"] = ApplicationId,
            ["LegacySession:RequestQueueLimit"] = "200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in all)
            {
                b.UseSetting(key, value);
            }
        });
    }

    public static HttpClient CookieClient(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    public static string? SessionIdFrom(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return null;
        }

        foreach (var cookie in cookies)
        {
            const string Prefix = "ASP.NET_SessionId=";
            if (cookie.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var end = cookie.IndexOf(';', StringComparison.Ordinal);
                return end < 0 ? cookie[Prefix.Length..] : cookie[Prefix.Length..end];
            }
        }

        return null;
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? sessionId, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, path);
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", "ASP.NET_SessionId=" + sessionId);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        return client.SendAsync(request, cancellationToken);
    }

    /// <summary>Starts a session holding UserName (so it exists on the state server) and returns its id.</summary>
    public static async Task<string> LoginAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var login = await client.PostAsync("/login?user=alice", null, cancellationToken);
        login.EnsureSuccessStatusCode();
        return SessionIdFrom(login) ?? throw new InvalidOperationException("The login set no session cookie.");
    }
}
