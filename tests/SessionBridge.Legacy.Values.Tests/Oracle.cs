using System.Runtime.Serialization;
using System.Runtime.Serialization.Formatters.Binary;
using System.Text.Json.Nodes;
using LegacyApp.Models;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;
using SessionBridge.Tool;

namespace SessionBridge.Legacy.Values.Tests;

/// <summary>The real BinaryFormatter (this test project only) and the type map of the LegacyApp test assembly.</summary>
public static class Oracle
{
    public const string LegacyAssembly = "LegacyApp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";

    public static LegacyTypeMap CreateMap() => new LegacyTypeMap()
        .MapEnum<Tier>("LegacyApp.Models.Tier, " + LegacyAssembly)
        .MapEnum<Priority>("LegacyApp.Models.Priority, " + LegacyAssembly)
        .Map<UserProfile>("LegacyApp.Models.UserProfile, " + LegacyAssembly)
        .Map<CartItem>("LegacyApp.Models.CartItem, " + LegacyAssembly)
        .Map<Cart>("LegacyApp.Models.Cart, " + LegacyAssembly)
        .Map<Preferences>("LegacyApp.Models.Preferences, " + LegacyAssembly)
        .Map<Address>("LegacyApp.Models.Address, " + LegacyAssembly)
        .Map<VisitCounter>("LegacyApp.Models.VisitCounter, " + LegacyAssembly)
        .Map<Money>("LegacyApp.Models.Money, " + LegacyAssembly)
        .Map<Node>("LegacyApp.Models.Node, " + LegacyAssembly)
        .Map<Everything>("LegacyApp.Models.Everything, " + LegacyAssembly);

    public static readonly LegacyValueSerializer Serializer = new(CreateMap());

    public static byte[] BfSerialize(object value)
    {
#pragma warning disable SYSLIB0011
        var formatter = new BinaryFormatter();
        using var stream = new MemoryStream();
        formatter.Serialize(stream, value);
        return stream.ToArray();
    }

    public static object BfDeserialize(ReadOnlyMemory<byte> payload)
    {
        var formatter = new BinaryFormatter { Binder = new SystemWebBinder() };
        using var stream = new MemoryStream(payload.ToArray());
        return formatter.Deserialize(stream);
#pragma warning restore SYSLIB0011
    }

    /// <summary>An object graph as the vectors' <c>data</c> JSON: equal JSON means equal objects.</summary>
    public static JsonNode? Json(object? value) => SessionJson.DataToJson(value, Serializer.Map, 0);

    public static void AssertEqualObjects(object? expected, object? actual, string what)
    {
        var e = Json(expected);
        var a = Json(actual);
        Assert.True(JsonNode.DeepEquals(e, a), $"{what}: expected {e?.ToJsonString()}, got {a?.ToJsonString()}");
    }

    public static SerializedObject Payload(string valueHex) => new(Convert.FromHexString(valueHex)[1..]);

    /// <summary>.NET 10 cannot load System.Web's SessionStateActions (vectors/README.md, note 4): bind it to SessionBridge's enum.</summary>
    private sealed class SystemWebBinder : SerializationBinder
    {
        public override Type? BindToType(string assemblyName, string typeName) =>
            typeName == "System.Web.SessionState.SessionStateActions" ? typeof(Format.SessionStateActions) : null;
    }
}
