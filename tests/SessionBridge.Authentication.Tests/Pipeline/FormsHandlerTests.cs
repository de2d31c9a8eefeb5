using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionBridge.Authentication.Tests.Legacy;
using SessionBridge.Legacy.Authentication;

namespace SessionBridge.Authentication.Tests.Pipeline;

public sealed class FormsHandlerTests
{
    private const string Scheme = LegacyAuthenticationDefaults.FormsScheme;
    private static readonly DateTimeOffset s_now = new(2091, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Task<AuthApp> StartAsync(string vectorName = "forms-fx45-hmacsha256-aes256-basic", Action<LegacyFormsAuthenticationOptions>? configure = null, DateTimeOffset? now = null) =>
        AuthApp.StartAsync(Scheme, a => a.AddLegacyFormsAuthentication(o =>
        {
            var key = AuthVectors.All[vectorName]["config"]!["machineKey"]!;
            o.MachineKey.ValidationKey = (string?)key["validationKey"];
            o.MachineKey.DecryptionKey = (string?)key["decryptionKey"];
            o.MachineKey.Validation = (string?)key["validation"];
            o.MachineKey.Decryption = (string?)key["decryption"];
            o.MachineKey.CompatibilityMode = (string?)key["compatibilityMode"];
            configure?.Invoke(o);
        }), now ?? s_now);

    private static FormsCookieProtector Protector(string vectorName = "forms-fx45-hmacsha256-aes256-basic") => new(AuthVectors.Settings(AuthVectors.All[vectorName]));

    [Fact]
    public async Task SignIn_SetsTheCookieWithTheLegacyAttributes_AndATicketTheLegacyReaderAccepts()
    {
        await using var app = await StartAsync(configure: o =>
        {
            o.Path = "/legacy";
            o.Domain = "example.com";
            o.RequireSsl = true;
            o.Timeout = 45;
        });

        var response = await app.SendAsync(HttpMethod.Post, "/signin?user=alice");

        var header = Assert.Single(AuthApp.SetCookies(response), c => c.StartsWith(".ASPXAUTH=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("path=/legacy", header, StringComparison.Ordinal);
        Assert.Contains("domain=example.com", header, StringComparison.Ordinal);
        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Contains("httponly", header, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", header, StringComparison.Ordinal);
        Assert.DoesNotContain("expires=", header, StringComparison.Ordinal);
        var value = AuthApp.Value(response, ".ASPXAUTH")!;
        Assert.Equal(value.ToUpperInvariant(), value);
        var ticket = Protector().Unprotect(value, out var reason);
        Assert.True(ticket is not null, reason);
        Assert.Equal(new FormsTicket(2, "alice", s_now.UtcTicks, s_now.AddMinutes(45).UtcTicks, false, "", "/legacy"), ticket);
    }

    [Fact]
    public async Task PersistentSignIn_WritesExpires()
    {
        await using var app = await StartAsync();

        var response = await app.SendAsync(HttpMethod.Post, "/signin?user=alice&persistent=true");

        var header = Assert.Single(AuthApp.SetCookies(response), c => c.StartsWith(".ASPXAUTH=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Mar 2091 12:30:00 GMT", header, StringComparison.OrdinalIgnoreCase);
        Assert.True(Protector().Unprotect(AuthApp.Value(response, ".ASPXAUTH"), out _)!.IsPersistent);
    }

    [Fact]
    public async Task MicrosoftsCookie_IsAccepted_WithTheNameClaim_AndUserDataClaims()
    {
        var vector = AuthVectors.All["forms-fx45-hmacsha256-aes256-nonascii"];
        var issued = new DateTimeOffset(long.Parse((string)vector["ticket"]!["issueDateUtcTicks"]!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        await using var app = await StartAsync("forms-fx45-hmacsha256-aes256-nonascii",
            o => o.UserDataClaims = data => [new System.Security.Claims.Claim("userData", data)], now: issued.AddMinutes(1));

        var response = await app.SendAsync(HttpMethod.Get, "/me", ".ASPXAUTH=" + (string)vector["cookie"]!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((string)vector["ticket"]!["name"]!, json.RootElement.GetProperty("name").GetString());
        Assert.Equal("Forms", json.RootElement.GetProperty("authenticationType").GetString());
        Assert.Contains(json.RootElement.GetProperty("claims").EnumerateArray(), c => c.GetProperty("type").GetString() == "userData" && c.GetProperty("value").GetString() == (string)vector["ticket"]!["userData"]!);
        Assert.Empty(AuthApp.SetCookies(response));
    }

    [Fact]
    public async Task SlidingRenewal_HappensOnlyPastHalfTheLifetime_OnTheTicketsPath()
    {
        await using var app = await StartAsync(configure: o => o.Path = "/app");
        var cookie = AuthApp.Pair(await app.SendAsync(HttpMethod.Post, "/signin?user=alice"), ".ASPXAUTH")!;

        app.Time.Advance(TimeSpan.FromMinutes(14));
        var before = await app.SendAsync(HttpMethod.Get, "/me", cookie);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Null(AuthApp.Pair(before, ".ASPXAUTH"));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var after = await app.SendAsync(HttpMethod.Get, "/me", cookie);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("path=/app", Assert.Single(AuthApp.SetCookies(after), c => c.StartsWith(".ASPXAUTH=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        var renewed = Protector().Unprotect(AuthApp.Value(after, ".ASPXAUTH"), out _)!;
        Assert.Equal(app.Time.GetUtcNow().UtcTicks, renewed.IssueDateUtcTicks);
        Assert.Equal(app.Time.GetUtcNow().AddMinutes(30).UtcTicks, renewed.ExpirationUtcTicks);
        Assert.Equal("/app", renewed.CookiePath);
    }

    [Fact]
    public async Task SlidingRenewal_IsOffWhenSlidingExpirationIsFalse()
    {
        await using var app = await StartAsync(configure: o => o.SlidingExpiration = false);
        var cookie = AuthApp.Pair(await app.SendAsync(HttpMethod.Post, "/signin?user=alice"), ".ASPXAUTH")!;

        app.Time.Advance(TimeSpan.FromMinutes(29));
        var response = await app.SendAsync(HttpMethod.Get, "/me", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(AuthApp.Pair(response, ".ASPXAUTH"));
    }

    [Fact]
    public async Task ExpiredTamperedAndGarbageCookies_AreTreatedAsAbsent()
    {
        await using var app = await StartAsync();
        var cookie = AuthApp.Pair(await app.SendAsync(HttpMethod.Post, "/signin?user=alice"), ".ASPXAUTH")!;
        var tampered = cookie[..^1] + (cookie[^1] == 'A' ? 'B' : 'A');

        foreach (var presented in new[] { tampered, ".ASPXAUTH=", ".ASPXAUTH=zz", ".ASPXAUTH=" + new string('A', 5000), ".ASPXAUTH=" + (string)AuthVectors.All["forms-fx45-expired-2019"]["cookie"]! })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", presented)).StatusCode);
        }

        app.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", cookie)).StatusCode);
    }

    [Fact]
    public async Task RequireSsl_IgnoresTheCookieOverHttp()
    {
        await using var app = await StartAsync(configure: o => o.RequireSsl = true);
        var cookie = ".ASPXAUTH=" + Protector().Protect(new FormsTicket(2, "alice", s_now.UtcTicks, s_now.AddMinutes(30).UtcTicks, false, "", "/"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.SendAsync(HttpMethod.Get, "/me", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Get, "https://localhost/me", cookie)).StatusCode);
    }

    [Fact]
    public async Task SignOut_ClearsTheCookieOnItsPath()
    {
        await using var app = await StartAsync(configure: o => { o.Path = "/app"; o.Domain = "example.com"; });

        var response = await app.SendAsync(HttpMethod.Post, "/signout");

        var header = Assert.Single(AuthApp.SetCookies(response), c => c.StartsWith(".ASPXAUTH=", StringComparison.Ordinal));
        Assert.StartsWith(".ASPXAUTH=;", header, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/app", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("domain=example.com", header, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("~/Account/Login.aspx", "/Account/Login.aspx?ReturnUrl=%2fsecure%3fx%3d1%25202%26y%3d%25C3%25A9")]
    [InlineData("login.aspx", "/login.aspx?ReturnUrl=%2fsecure%3fx%3d1%25202%26y%3d%25C3%25A9")]
    [InlineData("/signin.aspx?app=1", "/signin.aspx?app=1&ReturnUrl=%2fsecure%3fx%3d1%25202%26y%3d%25C3%25A9")]
    public async Task Challenge_RedirectsToTheLoginUrlWithReturnUrl_AsTheLegacyAppBuildsIt(string loginUrl, string expected)
    {
        // ReturnUrl is HttpUtility.UrlEncode(Request.RawUrl): the raw, still-escaped request target, encoded once more.
        await using var app = await StartAsync(configure: o => o.LoginUrl = loginUrl);

        var response = await app.SendAsync(HttpMethod.Get, "/secure?x=1%202&y=%C3%A9");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Forbid_Answers403()
    {
        await using var app = await StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await app.SendAsync(HttpMethod.Get, "/forbid")).StatusCode);
    }

    [Theory]
    [InlineData("AutoGenerate,IsolateApps", "cannot be shared")]
    [InlineData("ABC", "even number of hex digits")]
    [InlineData(null, "is missing")]
    public async Task BadMachineKey_FailsAtStart_WithWhatToCopy(string? validationKey, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(configure: o => o.MachineKey.ValidationKey = validationKey));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("LegacyAuthentication:MachineKey", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((string)AuthVectors.All["forms-fx45-hmacsha256-aes256-basic"]["config"]!["machineKey"]!["decryptionKey"]!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationOverload_BindsMachineKeyAndForms()
    {
        var key = AuthVectors.All["forms-sp1-sha1-aes256-basic"]["config"]!["machineKey"]!;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LegacyAuthentication:MachineKey:ValidationKey"] = (string)key["validationKey"]!,
            ["LegacyAuthentication:MachineKey:DecryptionKey"] = (string)key["decryptionKey"]!,
            ["LegacyAuthentication:MachineKey:Validation"] = "SHA1",
            ["LegacyAuthentication:MachineKey:Decryption"] = "AES",
            ["LegacyAuthentication:Forms:Name"] = ".LEGACYAUTH",
            ["LegacyAuthentication:Forms:Timeout"] = "60",
        }).Build();
        await using var app = await AuthApp.StartAsync(Scheme, a => a.AddLegacyFormsAuthentication(configuration.GetSection("LegacyAuthentication")), s_now);

        var response = await app.SendAsync(HttpMethod.Post, "/signin?user=bob");

        var ticket = Protector("forms-sp1-sha1-aes256-basic").Unprotect(AuthApp.Value(response, ".LEGACYAUTH"), out var reason);
        Assert.True(ticket is not null, reason);
        Assert.Equal(s_now.AddMinutes(60).UtcTicks, ticket.ExpirationUtcTicks);
        Assert.Equal(MachineKeyCompatibilityMode.Framework20SP1, app.App.Services.GetRequiredService<IOptionsMonitor<LegacyFormsAuthenticationOptions>>().Get(Scheme).Protector!.Settings.CompatibilityMode);
    }
}
