using System.Net;
using System.Text.Json;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

namespace SessionBridge.Authentication.Tests.EndToEnd;

/// <summary>Three sample processes on their own in-memory session stores: the login travels in the legacy cookies alone.</summary>
public sealed class SharedLoginProcessTests
{
    // Another explicit key pair (hex) for the process that must not share the login.
    private const string OtherValidationKey = "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0";
    private const string OtherDecryptionKey = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";

    private static Task<SampleProcess> StartAsync(params string[] settings) =>
        // The launcher's Redis settings are overridden: each process keeps sessions in its own memory.
        SampleProcess.StartAsync("127.0.0.1:1", "/", ["--LegacySession:Store=InMemory", .. settings]);

    [Fact]
    public async Task TwoProcessesWithTheSameMachineKey_ShareTheLogin_AndAnotherKeyDoesNot()
    {
        using var first = await StartAsync();
        using var second = await StartAsync();
        using var other = await StartAsync($"--LegacyAuthentication:MachineKey:ValidationKey={OtherValidationKey}",
            $"--LegacyAuthentication:MachineKey:DecryptionKey={OtherDecryptionKey}");
        using var client = first.CreateClient();

        using var login = await client.PostAsync("login?user=alice", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var forms = Assert.Single(cookies, c => c.StartsWith(".ASPXAUTH=", StringComparison.Ordinal));
        var owin = Assert.Single(cookies, c => c.StartsWith(".AspNet.ApplicationCookie=", StringComparison.Ordinal));

        var (formsStatus, formsJson) = await WhoAmIAsync(second, forms);
        Assert.Equal(HttpStatusCode.OK, formsStatus);
        Assert.Equal("alice", formsJson!.RootElement.GetProperty("name").GetString());
        Assert.Equal("Forms", formsJson.RootElement.GetProperty("authenticationType").GetString());

        var (owinStatus, owinJson) = await WhoAmIAsync(second, owin);
        Assert.Equal(HttpStatusCode.OK, owinStatus);
        Assert.Equal("alice", owinJson!.RootElement.GetProperty("name").GetString());
        Assert.Equal("ApplicationCookie", owinJson.RootElement.GetProperty("authenticationType").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(other, forms)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(other, owin)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(second)).Status);

        using var logoutRequest = new HttpRequestMessage(HttpMethod.Post, "logout");
        logoutRequest.Headers.Add("Cookie", string.Join("; ", cookies));
        using var logout = await second.CreateClient().SendAsync(logoutRequest, TestContext.Current.CancellationToken);
        var cleared = logout.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cleared, c => c.StartsWith(".ASPXAUTH=;", StringComparison.Ordinal));
        Assert.Contains(cleared, c => c.StartsWith(".AspNet.ApplicationCookie=;", StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonDocument? Json)> WhoAmIAsync(SampleProcess sample, params string[] cookies)
    {
        using var client = sample.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "whoami");
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonDocument.Parse(body) : null);
    }
}
