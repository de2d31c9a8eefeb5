using LegacyApp.Models;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Values.Tests;

/// <summary>The decoder's compiled field setters and its per-thread reader (memo reused between reads).</summary>
public sealed class CompiledSetterTests
{
    private static readonly string s_assembly = typeof(SealedHolder).Assembly.GetName().Name!;

    private static readonly LegacyValueSerializer s_serializer = new(new LegacyTypeMap()
        .Map<SealedHolder>(typeof(SealedHolder).FullName + ", " + s_assembly)
        .Map<ReadonlyPoint>(typeof(ReadonlyPoint).FullName + ", " + s_assembly));

    [Fact]
    public void Decode_PrivateReadonlyFieldsAndReadonlyStruct_AreFilled()
    {
        var original = new SealedHolder(42, "label", new ReadonlyPoint(-7, 2.5), 9);

        var decoded = Assert.IsType<SealedHolder>(s_serializer.Deserialize(new SerializedObject(Oracle.BfSerialize(original))));

        Assert.Equal(42, decoded.Count);
        Assert.Equal("label", decoded.Label);
        Assert.Equal(-7, decoded.Point.X);
        Assert.Equal(2.5, decoded.Point.Y);
        Assert.Equal(9, decoded.Maybe);
    }

    [Fact]
    public void Decode_NullsInReferenceAndNullableFields_StayNull()
    {
        var original = new SealedHolder(0, null, default, null);

        var decoded = Assert.IsType<SealedHolder>(s_serializer.Deserialize(new SerializedObject(Oracle.BfSerialize(original))));

        Assert.Null(decoded.Label);
        Assert.Null(decoded.Maybe);
        Assert.Equal(0, decoded.Point.X);
    }

    [Fact]
    public void Decode_TopLevelReadonlyStruct_IsFilled()
    {
        var decoded = s_serializer.Deserialize(new SerializedObject(Oracle.BfSerialize(new ReadonlyPoint(3, -1.25))));

        var point = Assert.IsType<ReadonlyPoint>(decoded);
        Assert.Equal(3, point.X);
        Assert.Equal(-1.25, point.Y);
    }

    [Fact]
    public void Decode_SamePayloadTwice_GivesIndependentObjects()
    {
        var a = new Node { Name = "a" };
        var b = new Node { Name = "b", Next = a };
        a.Next = b;
        var payload = new SerializedObject(Oracle.BfSerialize(a));

        var first = Assert.IsType<Node>(Oracle.Serializer.Deserialize(payload));
        var second = Assert.IsType<Node>(Oracle.Serializer.Deserialize(payload));

        Assert.NotSame(first, second);
        Assert.NotSame(first.Next, second.Next);
        Assert.Same(first, first.Next.Next);
        Assert.Same(second, second.Next.Next);
    }

    [Fact]
    public void Decode_AfterAFailedRead_StillReadsCorrectly()
    {
        var good = new SerializedObject(Oracle.BfSerialize(new CartItem { Sku = "s", Quantity = 2, Price = 1.5m }));
        var bytes = Oracle.BfSerialize(new Cart { Items = [new CartItem { Sku = "x" }] });
        var broken = new SerializedObject(bytes.AsMemory(0, bytes.Length - 10));

        _ = Assert.Throws<LegacySessionFormatException>(() => Oracle.Serializer.Deserialize(broken));
        var decoded = Assert.IsType<CartItem>(Oracle.Serializer.Deserialize(good));

        Assert.Equal("s", decoded.Sku);
        Assert.Equal(2, decoded.Quantity);
        Assert.Equal(1.5m, decoded.Price);
    }

    [Fact]
    public void Decode_FieldOfTheWrongType_FailsClearly()
    {
        // The map says the legacy CartItem is an Address whose string City is written as 'Quantity', an int in the
        // stream: the value is refused before any setter sees it.
        var serializer = new LegacyValueSerializer(new LegacyTypeMap()
            .Map<Address>("LegacyApp.Models.CartItem, " + Oracle.LegacyAssembly, m => m.Field(nameof(Address.City), "Quantity")));

        var ex = Assert.Throws<LegacySessionFormatException>(() =>
            serializer.Deserialize(new SerializedObject(Oracle.BfSerialize(new CartItem { Sku = "s", Quantity = 2 }))));

        Assert.Contains("Quantity", ex.Message, StringComparison.Ordinal);
    }
}
