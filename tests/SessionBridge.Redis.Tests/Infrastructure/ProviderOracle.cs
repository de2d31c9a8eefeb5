using System.Runtime.Serialization;
using System.Runtime.Serialization.Formatters.Binary;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Redis.Tests.Infrastructure;

/// <summary>
/// What Microsoft.Web.RedisSessionStateProvider 2.x–4.x stores per item, made by the real BinaryFormatter (tests only),
/// and the type map of the legacy application's models (tests/LegacyApp) on this side.
/// </summary>
/// <remarks>
/// The provider's serializer (Azure/aspnet-redis-providers <c>src/Shared/BinarySerializer.cs</c> and
/// <c>RedisUtility.GetBytesFromObject</c> at NuGet-Release/RedisSessionStateProvider-3.0.2 and -4.0.1) is
/// <c>if (data == null) data = new RedisNull(); new BinaryFormatter().Serialize(stream, data)</c>, and
/// <c>src/Shared/RedisNull.cs</c> is <c>[Serializable] internal class RedisNull : ISerializable</c> whose
/// <c>GetObjectData</c> adds nothing. <see cref="FakeRedisNull"/> is that class for BinaryFormatter here; the binder
/// gives it the provider's type and library names (assembly identity
/// <c>Microsoft.Web.RedisSessionStateProvider, Version=&lt;release&gt;.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35</c>:
/// issues #103 (3.0.1.0) and #186 (4.0.1.0) of that repository quote it).
/// </remarks>
public static class ProviderOracle
{
    public const string LegacyAssembly = "LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";

    /// <summary>This side's types for the legacy models.</summary>
    public static LegacyTypeMap CreateMap() => new LegacyTypeMap()
        .Map<CoreCart>("LegacyApp.Models.Cart, " + LegacyAssembly)
        .Map<CoreCartItem>("LegacyApp.Models.CartItem, " + LegacyAssembly)
        .Map<CoreNode>("LegacyApp.Models.Node, " + LegacyAssembly);

    public static LegacySessionFormat Format(LegacySessionDialect dialect = LegacySessionDialect.Microsoft) =>
        new(new LegacyValueSerializer(CreateMap()), dialect: dialect);

#pragma warning disable SYSLIB0011 // the legacy provider's serializer, used here only as the oracle
    /// <summary>The field value the provider stores for an item (null becomes its RedisNull marker).</summary>
    public static byte[] Stored(object? value, string providerVersion = "3.0.2.0")
    {
        var formatter = new BinaryFormatter { Binder = new ProviderBinder(providerVersion) };
        using var stream = new MemoryStream();
        formatter.Serialize(stream, value ?? new FakeRedisNull());
        return stream.ToArray();
    }

    /// <summary>What the legacy side's BinaryFormatter reads from a field SessionBridge wrote.</summary>
    public static object? Read(byte[] field)
    {
        var formatter = new BinaryFormatter { Binder = new ProviderBinder("3.0.2.0") };
        using var stream = new MemoryStream(field);
        var value = formatter.Deserialize(stream);
        return value is FakeRedisNull ? null : value;
    }
#pragma warning restore SYSLIB0011

    private sealed class ProviderBinder(string version) : SerializationBinder
    {
        private const string TypeName = "Microsoft.Web.Redis.RedisNull";

        public override void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
        {
            if (serializedType == typeof(FakeRedisNull))
            {
                assemblyName = $"Microsoft.Web.RedisSessionStateProvider, Version={version}, Culture=neutral, PublicKeyToken=31bf3856ad364e35";
                typeName = TypeName;
                return;
            }

            assemblyName = null;
            typeName = null;
        }

        public override Type? BindToType(string assemblyName, string typeName) =>
            typeName == TypeName ? typeof(FakeRedisNull) : null;
    }
}

/// <summary>Plays the provider's internal <c>Microsoft.Web.Redis.RedisNull</c> for BinaryFormatter: serializable, adding no value.</summary>
[Serializable]
public sealed class FakeRedisNull : ISerializable
{
    public FakeRedisNull()
    {
    }

    private FakeRedisNull(SerializationInfo info, StreamingContext context)
    {
    }

    public void GetObjectData(SerializationInfo info, StreamingContext context)
    {
    }
}

#pragma warning disable CA1051, CA1002, CA2227
/// <summary>This side's <c>LegacyApp.Models.Cart</c>.</summary>
public sealed class CoreCart
{
    public List<CoreCartItem>? Items;
    public Guid CartId;
}

/// <summary>This side's <c>LegacyApp.Models.CartItem</c>.</summary>
public sealed class CoreCartItem
{
    public string? Sku;
    public int Quantity;
    public decimal Price;
}

/// <summary>This side's <c>LegacyApp.Models.Node</c>, whose <c>Tag</c> is typed object.</summary>
public sealed class CoreNode
{
    public string? Name;
    public CoreNode? Next;
    public object? Tag;
}
#pragma warning restore CA1051, CA1002, CA2227
