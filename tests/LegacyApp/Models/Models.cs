// The legacy application's model types, as in vectors/README.md, plus more for the oracle matrix.
#pragma warning disable CA1051, CA2235, CA1002, CA2227, CA1819, CA1711, CA1720, CA1028, CA1008, CA1717, CA2217, CA1050, IDE0130, CA1716, CA1034, CA2231, CA1815, CA1852
using System.Collections;

namespace LegacyApp.Models;

[Serializable] public enum Tier { Free, Pro, Enterprise }
[Serializable] public class UserProfile { public string Name; public int Id; public DateTime LastLogin; public string[] Roles; public bool IsAdmin; }
[Serializable] public class CartItem { public string Sku; public int Quantity; public decimal Price; }
[Serializable] public class Cart { public List<CartItem> Items; public Guid CartId; }
[Serializable] public class Preferences { public int? PageSize; public int? MaxResults; public string Theme; public Tier Tier; }
[Serializable] public class Address { public string Street { get; set; } public string City { get; set; } public string PostalCode { get; set; } }
[Serializable] public class VisitCounter { public int Visits; }

// Matrix extras.
[Serializable] public enum Priority : byte { Low = 1, High = 200 }
[Serializable] public struct Money { public decimal Amount; public string Currency; }
[Serializable] public class Node { public string Name; public Node Next; public object Tag; }
[Serializable]
public class Everything
{
    public bool Flag; public byte B; public sbyte SB; public short S; public ushort US; public int I; public uint UI; public long L; public ulong UL;
    public float F; public double D; public decimal M; public char C; public DateTime When; public TimeSpan Span; public Guid Id;
    public DateTimeOffset At; public int? Maybe; public Tier? MaybeTier; public Priority Priority; public Money Price;
    public int[] Ints; public byte[] Bytes; public string[] Names; public object[] Things; public List<int> IntList; public List<string> Strings;
    public Dictionary<string, int> Counts; public Dictionary<int, Address> ById; public Hashtable Table; public ArrayList Bag;
    public Address Home; public List<Address> Addresses; public Tier[] Tiers; public object Anything;
}
