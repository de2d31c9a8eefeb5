using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Sample;

public sealed class SampleTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public SampleTests(WebApplicationFactory<Program> factory)
    {
        // 100 concurrent writers on one session need a queue above System.Web's default of 50.
        _factory = factory.WithWebHostBuilder(b => b.UseSetting("LegacySession:RequestQueueLimit", "200"));
    }

    [Fact]
    public async Task HundredConcurrentIncrements_OnOneSession_CountExactlyHundred()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var login = await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken);
        var id = TestApp.SessionIdFrom(login)!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Send(client, HttpMethod.Post, "/counter/increment", id)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var values = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(Enumerable.Range(1, 100), values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order());
        Assert.Equal("100", await (await Send(client, HttpMethod.Get, "/counter", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OnTheDistributedCacheStore_HundredConcurrentIncrements_CountExactlyHundred()
    {
        using var factory = _factory.WithWebHostBuilder(b => b.UseSetting("LegacySession:Store", "DistributedCache"));
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var id = TestApp.SessionIdFrom(await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken))!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Send(client, HttpMethod.Post, "/counter/increment", id)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("100", await (await Send(client, HttpMethod.Get, "/counter", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("DistributedCache", factory.Services.GetRequiredService<SessionBridge.Hosting.LegacySessionStoreResolver>().Name);
    }

    [Fact]
    public async Task Cart_IsAMappedObjectStoredAsTheLegacyTypesNrbfStream()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var id = TestApp.SessionIdFrom(await client.PostAsync("/cart/add?sku=SKU-1&quantity=2&price=9.99", null, TestContext.Current.CancellationToken))!;
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Post, "/cart/add?sku=SKU-2&price=1.5", id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(client, HttpMethod.Post, "/cart/add?sku=SKU-1", id)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(client, HttpMethod.Post, "/cart/add?quantity=0", id)).StatusCode);

        using var cart = JsonDocument.Parse(await (await Send(client, HttpMethod.Get, "/cart", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var items = cart.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("SKU-1", items[0].GetProperty("sku").GetString());
        Assert.Equal(3, items[0].GetProperty("quantity").GetInt32());
        Assert.Equal(9.99m, items[0].GetProperty("price").GetDecimal());
        Assert.Equal(1.5m, items[1].GetProperty("price").GetDecimal());

        // What is stored is the legacy type's NRBF stream, with the identity the map gives (the legacy assembly's full name).
        using var session = JsonDocument.Parse(await (await Send(client, HttpMethod.Get, "/session", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var stored = session.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Cart");
        Assert.Equal(20, stored.GetProperty("typeCode").GetInt32());
        Assert.Equal("LegacyApp.Models.Cart", stored.GetProperty("value").GetProperty("clrType").GetString());
        Assert.Equal("LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", stored.GetProperty("value").GetProperty("assembly").GetString());
    }

    [Fact]
    public async Task LoginWhoamiAbandon_BehaveAsDocumented()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/whoami", TestContext.Current.CancellationToken)).StatusCode);
        var id = TestApp.SessionIdFrom(await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken))!;
        using (var whoami = JsonDocument.Parse(await (await Send(client, HttpMethod.Get, "/whoami", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("alice", whoami.RootElement.GetProperty("name").GetString());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Send(client, HttpMethod.Post, "/login", id)).StatusCode);

        var abandon = await Send(client, HttpMethod.Post, "/abandon", id);
        var renewed = TestApp.SessionIdFrom(abandon);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/whoami", id)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(client, HttpMethod.Get, "/whoami", renewed)).StatusCode);
        Assert.Equal("0", await (await Send(client, HttpMethod.Get, "/counter", renewed)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SessionEndpoint_PrintsItemsInTheVectorsSchema()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var id = TestApp.SessionIdFrom(await client.PostAsync("/login?user=alice", null, TestContext.Current.CancellationToken))!;
        await Send(client, HttpMethod.Post, "/counter/increment", id);

        using var json = JsonDocument.Parse(await (await Send(client, HttpMethod.Get, "/session", id)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var items = json.RootElement.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("UserName", items[0].GetProperty("key").GetString());
        Assert.Equal("String", items[0].GetProperty("type").GetString());
        Assert.Equal(1, items[0].GetProperty("typeCode").GetInt32());
        Assert.Equal("alice", items[0].GetProperty("value").GetString());
        Assert.Equal("0105616C696365", items[0].GetProperty("valueHex").GetString());
        Assert.Equal("Count", items[1].GetProperty("key").GetString());
        Assert.Equal(1, items[1].GetProperty("value").GetInt32());
        Assert.Equal("0201000000", items[1].GetProperty("valueHex").GetString());
    }

    [Fact]
    public async Task HomeHealthAndSlow_Answer()
    {
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var home = await client.GetStringAsync("/", TestContext.Current.CancellationToken);
        var health = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);
        var slow = await client.GetAsync("/slow?ms=0", TestContext.Current.CancellationToken);

        foreach (var link in new[] { "/counter/increment", "/counter", "/login", "/whoami", "/abandon", "/slow", "/session", "/health" })
        {
            Assert.Contains(link, home, StringComparison.Ordinal);
        }

        Assert.Equal("Healthy", health);
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? id)
    {
        var request = new HttpRequestMessage(method, path);
        if (id is not null)
        {
            request.Headers.Add("Cookie", $"{TestApp.CookieName}={id}");
        }

        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
