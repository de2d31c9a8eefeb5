using System.Reflection;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>One entry of a <see cref="LegacyTypeMap"/>: a CLR type and the legacy name and fields it stands for.</summary>
internal sealed class MappedType
{
    public MappedType(Type clrType, string legacyName, string assemblyName, bool matchFullAssemblyName, MappedMember[] members, EnumTranslation? enumValues)
    {
        ClrType = clrType;
        LegacyName = legacyName;
        AssemblyName = assemblyName;
        AssemblySimpleName = new AssemblyName(assemblyName).Name ?? assemblyName;
        MatchFullAssemblyName = matchFullAssemblyName;
        Members = members;
        EnumValues = enumValues;
        ByLegacyName = new Dictionary<string, MappedMember>(members.Length, StringComparer.Ordinal);
        foreach (var member in members)
        {
            ByLegacyName[member.LegacyName] = member;
        }
    }

    public Type ClrType { get; }

    public string LegacyName { get; }

    /// <summary>The assembly name as given to the map, written as the library name.</summary>
    public string AssemblyName { get; }

    public string AssemblySimpleName { get; }

    public bool MatchFullAssemblyName { get; }

    public MappedMember[] Members { get; }

    public EnumTranslation? EnumValues { get; }

    public Dictionary<string, MappedMember> ByLegacyName { get; }

    /// <summary>The member a stream field fills: same name, or the same name across auto-property and plain field.</summary>
    public MappedMember? FindMember(string streamName)
    {
        if (ByLegacyName.TryGetValue(streamName, out var member))
        {
            return member;
        }

        var alternative = LegacyTypeMap.TryGetAutoPropertyName(streamName, out var property)
            ? property
            : "<" + streamName + ">k__BackingField";
        return ByLegacyName.GetValueOrDefault(alternative);
    }
}

/// <summary>A serialized field of a mapped type.</summary>
internal sealed record MappedMember(string LegacyName, FieldInfo Field)
{
    /// <summary>Where a value is, for error messages: <c>Type.field</c>.</summary>
    public string Path { get; } = Field.DeclaringType?.Name + "." + LegacyName;
}

/// <summary>Numeric translation of an enum mapped by name.</summary>
internal sealed class EnumTranslation
{
    public Dictionary<long, long> ToLegacy { get; } = [];

    public Dictionary<long, long> FromLegacy { get; } = [];
}
