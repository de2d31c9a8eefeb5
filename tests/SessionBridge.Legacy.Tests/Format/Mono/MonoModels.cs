#pragma warning disable CA1051, CA1002, CA2227, CA1819
namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>The recorded Mono app's <c>LegacyApp.Models.Profile</c>, mapped on this side.</summary>
public sealed class MonoProfile
{
    public string? Name;
    public int Visits;
    public DateTime Since;
    public string[]? Roles;
}

/// <summary>The recorded Mono app's <c>LegacyApp.Models.CartItem</c>.</summary>
public sealed class MonoCartItem
{
    public string? Sku;
    public int Quantity;
    public decimal Price;
}

/// <summary>The recorded Mono app's <c>LegacyApp.Models.Cart</c>.</summary>
public sealed class MonoCart
{
    public List<MonoCartItem>? Items;
    public Guid CartId;
}
