using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.Authentication.Tests.Legacy;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Pipeline;

public sealed class OwinAndSessionHandlerTests
{
    private const string Owin = LegacyAuthenticationDefaults.OwinCookieScheme;
    private const string Session = LegacyAuthenticationDefaults.SessionScheme;
    private const string Cookie = ".AspNet.ApplicationCookie";
    private static readonly DateTimeOffset s_now = new(2091, 1, 8, 16, 0, 0, TimeSpan.Zero);

    private static Task<AuthApp> StartOwinAsync(Action<LegacyOwinCookieAuthenticationOptions>? configure = null, DateTimeOffset? now = null) =>
        AuthApp.StartAsync(Owin, a => a.AddLegacyOwinCookieAuthentication(o =>
        {
            var key = AuthVectors.All["owin-fx45-identity-default"]["config"]!["machineKey"]!;
            o.MachineKey.ValidationKey = (string?)key["validationKey"];
            o.MachineKey.DecryptionKey = (string?)key["decryptionKey"];
            o.MachineKey.Validation = (string?)key["validation"];
            o.MachineKey.Decryption = (string?)key["decryption"];
            o.MachineKey.CompatibilityMode = (string?)key["compatibilityMode"];
            configure?.Invoke(o);
        }), now ?? s_now);

    private static OwinCookieProtector Protector() =>
        new(AuthVectors.Settings(AuthVectors.All["owin-fx45-identity-default"]), "ApplicationCookie");

    [Fact]
    public async Task KatanasCookie_IsAccepted_WithEveryClaimKept()
    {
        var vector = AuthVectors.All["owin-fx45-identity-default"];
        await using var app = await StartOwinAsync();

        var response = await app.SendAsync(HttpMethod.Get, "/me", Cookie + "=" + (string)vector["cookie"]!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("alice@example.com", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("ApplicationCookie", json.RootElement.GetProperty("authenticationType").GetString());
        var claims = json.RootElement.GetProperty("claims").EnumerateArray().Select(c => (c.GetProperty("type").GetString(), c.GetProperty("value").GetString())).ToList();
        Assert.Equal(vector["identity"]!["claims"]!.AsArray().Select(c => ((string?)c!["type"], (string?)c["value"])).ToList(), claims);
    }

    [Fact]
    public async Task SignIn_WritesACookieKatanaReads_AndLargeOnesAreChunked()
    {
        await using var app = await StartOwinAsync();
        var roles = string.Join(',', Enumerable.Range(0, 300).Select(i => $"role-{i:D3}-{Guid.NewGuid():N}"));

        var small = await app.SendAsync(HttpMethod.Post, "/signin?user=alice&id=42&persistent=true");
        var large = await app.SendAsync(HttpMethod.Post, "/signin?user=bob&roles=" + roles);

        var header = Assert.Single(AuthApp.SetCookies(small));
        Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=Mon, 22 Jan 2091 16:00:00 GMT", header, StringComparison.OrdinalIgnoreCase);
        var ticket = Protector().Unprotect(AuthApp.Value(small, Cookie), out var reason);
        Assert.True(ticket is not null, reason);
        Assert.Equal("ApplicationCookie", ticket.Identity.AuthenticationType);
        Assert.Equal(["", "Mon, 08 Jan 2091 16:00:00 GMT", "Mon, 22 Jan 2091 16:00:00 GMT"], ticket.Properties.Select(p => p.Value));
        Assert.Equal([".persistent", ".issued", ".expires"], ticket.Properties.Select(p => p.Key));
        Assert.Equal("42", ticket.Identity.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value);

        var cookies = AuthApp.SetCookies(large);
        Assert.True(cookies.Count > 2);
        Assert.All(cookies, c => Assert.True(c.Length <= KatanaChunkedCookie.DefaultChunkSize, $"{c.Length} characters"));
        // Set-Cookie values are URL-escaped (by Katana too); the readers unescape them.
        var first = Uri.UnescapeDataString(AuthApp.Value(large, Cookie)!);
        Assert.Equal($"chunks:{cookies.Count - 1}", first);
        var pairs = cookies.Select(c => c.Split(';')[0]).ToArray();
        var joined = KatanaChunkedCookie.Join(Cookie, k => pairs.FirstOrDefault(p => p.StartsWith(k + "=", StringComparison.Ordinal))?[(k.Length + 1)..] is { } v ? Uri.UnescapeDataString(v) : null);
        Assert.Equal(300, Protector().Unprotect(joined, out _)!.Identity.FindAll(System.Security.Claims.ClaimTypes.Role).Count());

        var me = await app.SendAsync(HttpMethod.Get, "/me", pairs);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", pairs[..^1])).StatusCode);
    }

    [Fact]
    public async Task SlidingRenewal_OnlyPastHalfTheLifetime_KeepsTheLifetime()
    {
        await using var app = await StartOwinAsync(o => o.ExpireTimeSpan = TimeSpan.FromMinutes(20));
        var cookie = AuthApp.Pair(await app.SendAsync(HttpMethod.Post, "/signin?user=alice"), Cookie)!;

        app.Time.Advance(TimeSpan.FromMinutes(9));
        var early = await app.SendAsync(HttpMethod.Get, "/me", cookie);
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Empty(AuthApp.SetCookies(early));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var late = await app.SendAsync(HttpMethod.Get, "/me", cookie);
        var renewed = Protector().Unprotect(AuthApp.Value(late, Cookie), out _)!;
        Assert.Equal(app.Time.GetUtcNow(), renewed.IssuedUtc);
        Assert.Equal(app.Time.GetUtcNow().AddMinutes(20), renewed.ExpiresUtc);

        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", cookie)).StatusCode);
    }

    [Fact]
    public async Task TamperedWrongTypeAndExpiredCookies_AreAbsent_SignOutClearsChunks_ChallengeRedirects()
    {
        await using var app = await StartOwinAsync(o => o.LoginPath = "/Account/Login");
        var cookie = AuthApp.Pair(await app.SendAsync(HttpMethod.Post, "/signin?user=alice"), Cookie)!;
        var other = new OwinCookieProtector(AuthVectors.Settings(AuthVectors.All["owin-fx45-identity-default"]), "ExternalCookie")
            .Protect(new OwinTicket(new System.Security.Claims.ClaimsIdentity("ApplicationCookie"), []));

        foreach (var presented in new[] { cookie[..^2], Cookie + "=" + other, Cookie + "=chunks:3", Cookie + "=chunks:999999999999", Cookie + "=%%%" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", presented)).StatusCode);
        }

        var signOut = await app.SendAsync(HttpMethod.Post, "/signout", Cookie + "=chunks:2", Cookie + "C1=a", Cookie + "C2=b");
        Assert.Equal(3, AuthApp.SetCookies(signOut).Count(c => c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));

        var challenge = await app.SendAsync(HttpMethod.Get, "/secure?a=1");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fsecure%3Fa%3D1", challenge.Headers.Location!.OriginalString);

        app.Time.Advance(TimeSpan.FromDays(15));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", cookie)).StatusCode);
    }

    [Fact]
    public async Task OwinWithMd5Validation_FailsAtStart()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartOwinAsync(o =>
        {
            o.MachineKey.Validation = "MD5";
            o.MachineKey.CompatibilityMode = "Framework20SP1";
        }));

        Assert.Contains("MachineKey.Protect", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionIdentity_SignInWritesKeysAndRenewsTheId_SignOutAbandons()
    {
        await using var app = await AuthApp.StartAsync(Session, a => a.AddLegacySessionAuthentication(o => o.ClaimKeys["Email"] = System.Security.Claims.ClaimTypes.Email), s_now);
        // An ID planted by an attacker (System.Web, and SessionBridge by default, reuse an unknown presented ID).
        var fixedId = SessionBridge.Legacy.Format.SessionId.Create();

        var signIn = await app.SendAsync(HttpMethod.Post, "/signin?user=alice&id=7&roles=admin,ops", "ASP.NET_SessionId=" + fixedId);
        var renewedId = AuthApp.Value(signIn, "ASP.NET_SessionId");

        Assert.NotNull(renewedId);
        Assert.NotEqual(fixedId, renewedId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", "ASP.NET_SessionId=" + fixedId)).StatusCode);
        var me = await app.SendAsync(HttpMethod.Get, "/me", "ASP.NET_SessionId=" + renewedId);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var json = JsonDocument.Parse(await me.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("alice", json.RootElement.GetProperty("name").GetString());
            Assert.Equal("LegacySession", json.RootElement.GetProperty("authenticationType").GetString());
            var claims = json.RootElement.GetProperty("claims").EnumerateArray().Select(c => (c.GetProperty("type").GetString(), c.GetProperty("value").GetString())).ToList();
            Assert.Contains((System.Security.Claims.ClaimTypes.NameIdentifier, "7"), claims);
            Assert.Contains((System.Security.Claims.ClaimTypes.Role, "admin"), claims);
            Assert.Contains((System.Security.Claims.ClaimTypes.Role, "ops"), claims);
        }

        await app.SendAsync(HttpMethod.Post, "/signout", "ASP.NET_SessionId=" + renewedId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", "ASP.NET_SessionId=" + renewedId)).StatusCode);
    }

    [Fact]
    public async Task SessionIdentity_ReadsWhatTheLegacyAppStored()
    {
        await using var app = await AuthApp.StartAsync(Session, a => a.AddLegacySessionAuthentication(o => { }), s_now);
        var store = app.App.Services.GetService(typeof(SessionBridge.Hosting.LegacySessionStoreResolver)) as SessionBridge.Hosting.LegacySessionStoreResolver;
        var id = SessionBridge.Legacy.Format.SessionId.Create();
        var items = new SessionBridge.Legacy.Format.SessionStateItemCollection { ["UserName"] = "carol", ["UserId"] = 12, ["Roles"] = "a, b" };
        await store!.Store.SetAndReleaseItemExclusiveAsync(id, new SessionBridge.Legacy.Format.SessionStateData(20, items), null, newItem: true, TestContext.Current.CancellationToken);

        var me = await app.SendAsync(HttpMethod.Get, "/me", "ASP.NET_SessionId=" + id);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"carol\"", body, StringComparison.Ordinal);
        Assert.Contains("\"12\"", body, StringComparison.Ordinal);
        Assert.Contains("\"b\"", body, StringComparison.Ordinal);
    }
}
