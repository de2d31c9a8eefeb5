using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;
using LegacyCart = LegacyApp.Models.Cart;
using LegacyCartItem = LegacyApp.Models.CartItem;

namespace SessionBridge.Redis.EndToEnd.Tests.Http;

/// <summary>
/// The sample on the Redis store in the provider 2.x–4.x layout (<c>LegacySession:Redis:KeyLayout=V2To4</c>), over
/// HTTP, with sessions in the exact bytes Microsoft.Web.RedisSessionStateProvider 3.0.2 stores (made by the real
/// BinaryFormatter, tests only: <see cref="ProviderOracle"/>).
/// </summary>
public sealed class HttpV2To4Tests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly Guid s_cartId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDatabase Db => fixture.Database;

    public ValueTask InitializeAsync()
    {
        _factory = RedisSampleFactory.Create(fixture.Server.Configuration, "/", ("LegacySession:Redis:KeyLayout", "V2To4"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task AProviderSession_WithANullAMappedCartAndPrimitives_IsReadAndIncremented_AndUntouchedFieldsKeepTheirBytes()
    {
        var id = SessionId.Create();
        var fields = new Dictionary<string, byte[]>
        {
            ["Count"] = ProviderOracle.Stored(41),
            ["Nothing"] = ProviderOracle.Stored(null),
            ["Cart"] = ProviderOracle.Stored(new LegacyCart { CartId = s_cartId, Items = [new LegacyCartItem { Sku = "SKU-1", Quantity = 2, Price = 9.99m }] }),
            ["UserName"] = ProviderOracle.Stored("alice"),
            ["When"] = ProviderOracle.Stored(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            ["LegacyOnly"] = ProviderOracle.Stored(new LegacyApp.Models.VisitCounter { Visits = 5 }),
        };
        await Db.HashSetAsync(Key(id, "Data"), [.. fields.Select(f => new HashEntry(f.Key, f.Value))]);
        await Db.HashSetAsync(Key(id, "Internal"), "SessionTimeout", "1200");
        using var client = _factory!.CreateClient(id);

        // The type map applies on reads: the legacy app's cart comes back as the sample's Cart.
        using (var cart = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("cart", Ct)))
        {
            Assert.Equal(s_cartId, cart.RootElement.GetProperty("cartId").GetGuid());
            Assert.Equal("SKU-1", cart.RootElement.GetProperty("items")[0].GetProperty("sku").GetString());
        }

        using var increment = await client.PostAsync("counter/increment", null, Ct);
        Assert.Equal(HttpStatusCode.OK, increment.StatusCode);
        Assert.Equal("42", await increment.Content.ReadAsStringAsync(Ct));

        var stored = await StoredFields(id);
        Assert.Equal(fields.Keys.Order(), stored.Keys.Order());
        Assert.Equal(ProviderOracle.Stored(42), stored["Count"]);
        foreach (var key in fields.Keys.Where(k => k != "Count"))
        {
            Assert.Equal(fields[key], stored[key]);
        }

        // A cart SessionBridge writes is what the legacy side's BinaryFormatter reads, with equal fields.
        using var add = await client.PostAsync("cart/add?sku=SKU-2&quantity=3&price=1.50", null, Ct);
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        stored = await StoredFields(id);
        var written = Assert.IsType<LegacyCart>(ProviderOracle.Read(stored["Cart"]));
        Assert.Equal(s_cartId, written.CartId);
        Assert.Equal([("SKU-1", 2, 9.99m), ("SKU-2", 3, 1.50m)], written.Items.Select(i => (i.Sku, i.Quantity, i.Price)));
        foreach (var key in fields.Keys.Where(k => k is not ("Count" or "Cart")))
        {
            Assert.Equal(fields[key], stored[key]);
        }

        Assert.Null(ProviderOracle.Read(stored["Nothing"]));
        Assert.False(await Db.KeyExistsAsync(Key(id, "Write_Lock")));
    }

    private async Task<Dictionary<string, byte[]>> StoredFields(string id) =>
        (await Db.HashGetAllAsync(Key(id, "Data"))).ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!);

    private static string Key(string id, string suffix) => $"{{/_{id}}}_{suffix}";
}
