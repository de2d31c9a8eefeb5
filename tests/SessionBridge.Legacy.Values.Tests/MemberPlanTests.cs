using System.Runtime.Serialization;
using System.Runtime.Serialization.Formatters.Binary;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Legacy.Values.Tests;

/// <summary>
/// The decoder plans how a record's members fill the mapped type once per shape and reuses the plan for the next
/// record of that type name: a record of another version of the type (same name, other members) still fills exactly
/// its own fields, whatever was read before it, in the same payload or an earlier one.
/// </summary>
public sealed class MemberPlanTests
{
    [Fact]
    public void Decode_VersionsOfOneTypeInTurn_EachFillsItsOwnFields()
    {
        var serializer = CreateSerializer();
        object[] versions =
        [
            new VersionedAB { A = 1, B = "b1" },
            new VersionedAC { A = 2, C = "c2" },
            new VersionedAB { A = 3, B = "b3" },
            new VersionedBA { B = "b4", A = 4 },
            new VersionedAX { A = 5, X = "x5" },
            new VersionedAC { A = 6, C = "c6" },
            new VersionedAC { A = 7, C = "c7" },
            new VersionedAB { A = 8, B = "b8" },
        ];

        foreach (var version in versions)
        {
            var decoded = Assert.IsType<Versioned>(serializer.Deserialize(Serialize(version)));

            AssertFilledFrom(version, decoded);
        }
    }

    [Fact]
    public void Decode_VersionsOfOneTypeInOnePayload_EachFillsItsOwnFields()
    {
        var serializer = CreateSerializer();
        object[] versions =
        [
            new VersionedAB { A = 1, B = "b1" },
            new VersionedAC { A = 2, C = "c2" },
            new VersionedAB { A = 3, B = "b3" },
            new VersionedAX { A = 4, X = "x4" },
            new VersionedAC { A = 5, C = "c5" },
            new VersionedBA { B = "b6", A = 6 },
        ];

        // Twice: the first read plans the shapes, the second starts from the plans the first one left.
        for (var round = 0; round < 2; round++)
        {
            var decoded = Assert.IsType<object[]>(serializer.Deserialize(Serialize(versions)));

            Assert.Equal(versions.Length, decoded.Length);
            for (var i = 0; i < versions.Length; i++)
            {
                AssertFilledFrom(versions[i], Assert.IsType<Versioned>(decoded[i]));
            }
        }
    }

    private static LegacyValueSerializer CreateSerializer() =>
        new(new LegacyTypeMap().Map<Versioned>("Legacy.Versioned, LegacyVersions"));

    private static void AssertFilledFrom(object version, Versioned decoded)
    {
        var (a, b, c) = version switch
        {
            VersionedAB v => (v.A, v.B, null),
            VersionedAC v => (v.A, null, v.C),
            VersionedBA v => (v.A, v.B, null),
            VersionedAX v => (v.A, (string?)null, (string?)null),
            _ => throw new ArgumentException($"Not a version: {version.GetType()}", nameof(version)),
        };
        Assert.Equal(a, decoded.A);
        Assert.Equal(b, decoded.B);
        Assert.Equal(c, decoded.C);
    }

    private static SerializedObject Serialize(object value)
    {
#pragma warning disable SYSLIB0011
        var formatter = new BinaryFormatter { Binder = new VersionBinder() };
        using var stream = new MemoryStream();
        formatter.Serialize(stream, value);
#pragma warning restore SYSLIB0011
        return new SerializedObject(stream.ToArray());
    }

    /// <summary>Writes every version under the one legacy name the map knows.</summary>
    private sealed class VersionBinder : SerializationBinder
    {
        public override void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
        {
            if (serializedType.Name.StartsWith("Versioned", StringComparison.Ordinal))
            {
                assemblyName = "LegacyVersions";
                typeName = "Legacy.Versioned";
                return;
            }

            assemblyName = null;
            typeName = null;
        }

        public override Type? BindToType(string assemblyName, string typeName) => null;
    }
}
