namespace SessionBridge.Sample;

/// <summary>
/// The legacy application's <c>LegacyApp.Models.Cart</c> (<c>[Serializable] public class Cart { public List&lt;CartItem&gt; Items;
/// public Guid CartId; }</c>) as this application sees it; mapped in Program.cs.
/// </summary>
public sealed class Cart
{
    /// <summary>The cart's lines.</summary>
    public List<CartItem> Items { get; set; } = [];

    /// <summary>The cart's ID.</summary>
    public Guid CartId { get; set; }
}

/// <summary>The legacy application's <c>LegacyApp.Models.CartItem</c> (<c>Sku</c>, <c>Quantity</c>, <c>Price</c>).</summary>
public sealed class CartItem
{
    /// <summary>The product.</summary>
    public string Sku { get; set; } = "";

    /// <summary>How many.</summary>
    public int Quantity { get; set; }

    /// <summary>The unit price.</summary>
    public decimal Price { get; set; }
}
