namespace SessionBridge.Legacy.Format;

/// <summary>One entry of <see cref="SessionStateStaticObjects"/>.</summary>
public sealed class StaticObjectEntry
{
    internal StaticObjectEntry(string name, SessionValueTypeCode instanceTypeCode, ReadOnlyMemory<byte> encodedInstance)
    {
        Name = name;
        HasInstance = true;
        InstanceTypeCode = instanceTypeCode;
        EncodedInstance = encodedInstance;
    }

    internal StaticObjectEntry(string name, string typeName, bool lateBound)
    {
        Name = name;
        TypeName = typeName;
        LateBound = lateBound;
    }

    /// <summary>The object's id in global.asax.</summary>
    public string Name { get; }

    /// <summary>Whether the object was created, and so its value is stored.</summary>
    public bool HasInstance { get; }

    /// <summary>The stored value's type code, when <see cref="HasInstance"/>.</summary>
    public SessionValueTypeCode InstanceTypeCode { get; }

    /// <summary>The stored value (type byte and payload), when <see cref="HasInstance"/>; empty otherwise.</summary>
    public ReadOnlyMemory<byte> EncodedInstance { get; }

    /// <summary>The declared type's full name, when the object was never created.</summary>
    public string? TypeName { get; }

    /// <summary>Whether the declaration is late-bound, when the object was never created.</summary>
    public bool LateBound { get; }
}
