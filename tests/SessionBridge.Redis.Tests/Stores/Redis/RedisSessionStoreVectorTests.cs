using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;
using SessionBridge.Redis.Tests.Infrastructure;
using static SessionBridge.Redis.Tests.Stores.Redis.StoreFactory;

namespace SessionBridge.Redis.Tests.Stores.Redis;

/// <summary>v5 blobs round-trip byte for byte (vectors with <c>container: itemCollection</c>).</summary>
public sealed class RedisSessionStoreVectorTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> ItemCollectionVectors() => [.. Vectors.ItemCollectionVectorNames()];

    [Fact]
    public void ThereAreItemCollectionVectors() => Assert.Contains("redis-v5-item-collection", Vectors.ItemCollectionVectorNames());

    [Theory]
    [MemberData(nameof(ItemCollectionVectors))]
    public async Task StoredVector_ReadAndWrittenBackUntouched_IsByteIdentical(string name)
    {
        var blob = Convert.FromHexString((string)Vectors.Blob(name)["blobHex"]!);
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await fixture.Database.StringSetAsync(Key(id, "SessionStateItemCollection"), blob);
        await fixture.Database.StringSetAsync(Key(id, "SessionTimeout"), "1200");

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        Assert.Equal(SessionStoreStatus.Found, read.Status);
        if (read.Actions == SessionStateActions.InitializeItem)
        {
            // The uninitialized item: the flag is reported, and releasing without a write leaves the bytes alone.
            await store.ReleaseItemExclusiveAsync(id, read.LockId!, Ct);
        }
        else
        {
            Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data!, read.LockId, newItem: false, Ct));
        }

        Assert.Equal(blob, (byte[]?)await fixture.Database.StringGetAsync(Key(id, "SessionStateItemCollection")));
    }

    [Theory]
    [MemberData(nameof(ItemCollectionVectors))]
    public async Task StoredVector_EveryValueRead_ThenWrittenBack_IsByteIdentical(string name)
    {
        var vector = Vectors.Blob(name);
        var blob = Convert.FromHexString((string)vector["blobHex"]!);
        await using var store = Create(fixture);
        var id = SessionId.Create();
        await fixture.Database.StringSetAsync(Key(id, "SessionStateItemCollection"), blob);

        var read = await store.GetItemAsync(id, exclusive: true, Ct);
        var items = read.Data!.Items;
        for (var i = 0; i < items.Count; i++)
        {
            _ = items[i];
        }

        if (read.Actions == SessionStateActions.InitializeItem)
        {
            Assert.Equal(0, items.Count);
            return;
        }

        Assert.Equal(vector["items"]!.AsArray().Select(item => (string?)item!["key"]), items.Keys);
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(id, read.Data, read.LockId, newItem: false, Ct));
        Assert.Equal(blob, (byte[]?)await fixture.Database.StringGetAsync(Key(id, "SessionStateItemCollection")));
    }

    [Fact]
    public async Task CollectionBuiltFromVectorItems_IsStoredAsTheVectorsBytes()
    {
        var vector = Vectors.Blob("redis-v5-item-collection");
        var items = new SessionStateItemCollection();
        foreach (var item in vector["items"]!.AsArray())
        {
            var valueHex = Convert.FromHexString((string)item!["valueHex"]!);
            items[(string)item["key"]!] = (string)item["type"]! switch
            {
                "String" => (string)item["value"]!,
                "Int32" => (int)item["value"]!,
                _ => new SerializedObject(valueHex.AsMemory(1)),
            };
        }

        await using var store = Create(fixture);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, items), null, newItem: true, Ct);

        Assert.Equal(Convert.FromHexString((string)vector["blobHex"]!), (byte[]?)await fixture.Database.StringGetAsync(Key(id, "SessionStateItemCollection")));
    }
}
