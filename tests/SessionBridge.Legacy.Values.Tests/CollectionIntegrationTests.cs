using LegacyApp.Models;
using SessionBridge.Legacy.Format.Values;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Legacy.Values.Tests;

public sealed class CollectionIntegrationTests
{
    private static System.Text.Json.Nodes.JsonObject Vector(string name) =>
        VectorFiles.Vectors("session-blobs.json").Single(v => (string)v["name"]! == name);

    [Fact]
    public void Read_WithSerializer_ReturnsTheMappedObjectAndMarksDirty()
    {
        var blob = Convert.FromHexString((string)Vector("bf-cart")["blobHex"]!);
        var data = SessionStateSerializer.Deserialize(blob, Oracle.Serializer);
        var cart = Assert.IsType<Cart>(data.Items["Cart"]);
        Assert.Equal(3, cart.Items.Count);
        Assert.True(data.Items.Dirty);
    }

    [Fact]
    public void Read_WithoutSerializer_StillReturnsSerializedObject()
    {
        var blob = Convert.FromHexString((string)Vector("bf-cart")["blobHex"]!);
        var data = SessionStateSerializer.Deserialize(blob);
        _ = Assert.IsType<SerializedObject>(data.Items["Cart"]);
    }

    [Fact]
    public void MappedObject_ReadAndNotChanged_IsWrittenBackByteForByte()
    {
        var blob = Convert.FromHexString((string)Vector("bf-userprofile")["blobHex"]!);
        var data = SessionStateSerializer.Deserialize(blob, Oracle.Serializer);
        _ = Assert.IsType<UserProfile>(data.Items["Profile"]);
        Assert.Equal(blob, SessionStateSerializer.Serialize(data));
    }

    [Fact]
    public void UnmappedRecord_ReadAsView_IsWrittenBackByteForByte()
    {
        var blob = Convert.FromHexString((string)Vector("bf-cart")["blobHex"]!);
        var data = SessionStateSerializer.Deserialize(blob, new LegacyValueSerializer(new LegacyTypeMap()));
        var view = Assert.IsType<LegacyObject>(data.Items["Cart"]);
        Assert.Equal("LegacyApp.Models.Cart", view.TypeName);
        Assert.Equal(blob, SessionStateSerializer.Serialize(data));
    }

    [Fact]
    public void RedisV5_SessionStateActions_ReadsAsTheBuiltInEnum_AndRoundTrips()
    {
        var vector = Vector("redis-v5-uninitialized-item-collection");
        var bytes = Convert.FromHexString((string)vector["blobHex"]!);
        var items = SessionStateSerializer.DeserializeItems(bytes, new LegacyValueSerializer(new LegacyTypeMap()));
        Assert.Equal(Format.SessionStateActions.InitializeItem, items["SessionStateActions"]);
        items["SessionStateActions"] = Format.SessionStateActions.InitializeItem;
        Assert.Equal(bytes, SessionStateSerializer.SerializeItems(items));
    }

    [Fact]
    public void AssignedObject_ChangedAfterAssignment_IsWrittenWithTheChange()
    {
        var items = new SessionStateItemCollection { ValueSerializer = Oracle.Serializer };
        var cart = new Cart { Items = [], CartId = Guid.NewGuid() };
        items["Cart"] = cart;
        cart.Items.Add(new CartItem { Sku = "late", Quantity = 1, Price = 2m });

        var read = SessionStateSerializer.DeserializeItems(SessionStateSerializer.SerializeItems(items), Oracle.Serializer);
        var back = Assert.IsType<Cart>(read["Cart"]);
        Assert.Equal("late", Assert.Single(back.Items).Sku);
        Oracle.AssertEqualObjects(cart, Oracle.BfDeserialize(((SerializedObject)SessionStateSerializer.DeserializeItems(SessionStateSerializer.SerializeItems(items))["Cart"]!).Payload), "cart");
    }

    [Fact]
    public void AssigningAnUnmappedType_FailsAtAssignment_NamingTheTypeAndHowToMapIt()
    {
        var items = new SessionStateItemCollection { ValueSerializer = Oracle.Serializer };
        var ex = Assert.Throws<ArgumentException>(() => items["x"] = new Tripwire());
        Assert.Contains(typeof(Tripwire).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("LegacyTypeMap.Map<Tripwire>", ex.Message, StringComparison.Ordinal);
        Assert.False(items.ContainsKey("x"));
    }

    [Fact]
    public void AssigningAnObject_WithoutSerializer_FailsAsBefore()
    {
        var items = new SessionStateItemCollection();
        _ = Assert.Throws<ArgumentException>(() => items["x"] = new Cart());
    }
}
