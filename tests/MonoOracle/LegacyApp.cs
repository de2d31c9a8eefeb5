// Compiled with Mono's mcs into LegacyApp.dll: the [Serializable] types of the Mono application the oracle stands for.
using System;
using System.Collections.Generic;

namespace LegacyApp.Models
{
    [Serializable] public class Profile { public string Name; public int Visits; public DateTime Since; public string[] Roles; }
    [Serializable] public class CartItem { public string Sku; public int Quantity; public decimal Price; }
    [Serializable] public class Cart { public List<CartItem> Items; public Guid CartId; }
    [Serializable] public enum Tier { Free, Pro, Enterprise }
}
