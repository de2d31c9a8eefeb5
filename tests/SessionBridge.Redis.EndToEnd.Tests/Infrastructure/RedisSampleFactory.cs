using Microsoft.AspNetCore.Mvc.Testing;

namespace SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

/// <summary>The sample in-process (WebApplicationFactory) on the Redis store.</summary>
public static class RedisSampleFactory
{
    public static WebApplicationFactory<Program> Create(string redisConfiguration, string applicationName, params (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>();
        return factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("LegacySession:Store", "Redis");
            builder.UseSetting("LegacySession:Redis:Configuration", redisConfiguration);
            builder.UseSetting("LegacySession:ApplicationName", applicationName);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }

    /// <summary>A client that sends the given session cookie and keeps no cookies of its own.</summary>
    public static HttpClient CreateClient(this WebApplicationFactory<Program> factory, string? sessionId)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromSeconds(60);
        if (sessionId is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", $"ASP.NET_SessionId={sessionId}");
        }

        return client;
    }

    /// <summary>The session ID in a response's <c>Set-Cookie</c>.</summary>
    public static string SessionIdFrom(HttpResponseMessage response)
    {
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            if (cookie.StartsWith("ASP.NET_SessionId=", StringComparison.Ordinal))
            {
                return cookie["ASP.NET_SessionId=".Length..].Split(';')[0];
            }
        }

        throw new InvalidOperationException("The response set no ASP.NET_SessionId cookie.");
    }
}
