using System.Reflection;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>One entry of a <see cref="LegacyTypeMap"/>: a CLR type and the legacy name and fields it stands for.</summary>
internal sealed class MappedType
{
    private MemberPlan? _lastPlan;

    public MappedType(Type clrType, string legacyName, string assemblyName, bool matchFullAssemblyName, MappedMember[] members, EnumTranslation? enumValues)
    {
        ClrType = clrType;
        LegacyName = legacyName;
        AssemblyName = assemblyName;
        AssemblySimpleName = new AssemblyName(assemblyName).Name ?? assemblyName;
        MatchFullAssemblyName = matchFullAssemblyName;
        Members = members;
        EnumValues = enumValues;
        IsEnum = clrType.IsEnum;
        ByLegacyName = new Dictionary<string, MappedMember>(members.Length, StringComparer.Ordinal);
        foreach (var member in members)
        {
            ByLegacyName[member.LegacyName] = member;
        }
    }

    public Type ClrType { get; }

    public bool IsEnum { get; }

    public string LegacyName { get; }

    /// <summary>The assembly name as given to the map, written as the library name.</summary>
    public string AssemblyName { get; }

    public string AssemblySimpleName { get; }

    public bool MatchFullAssemblyName { get; }

    public MappedMember[] Members { get; }

    public EnumTranslation? EnumValues { get; }

    public Dictionary<string, MappedMember> ByLegacyName { get; }

    /// <summary>The plan of the member shape last read for this type (records of one type nearly always share one).</summary>
    /// <remarks>Read and written by concurrent decoders: a plan is immutable once published.</remarks>
    public MemberPlan? LastPlan
    {
        get => Volatile.Read(ref _lastPlan);
        set => Volatile.Write(ref _lastPlan, value);
    }

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
internal sealed class MappedMember
{
    private Action<object, object?>? _setter;

    public MappedMember(string legacyName, FieldInfo field)
    {
        LegacyName = legacyName;
        Field = field;
        Path = field.DeclaringType?.Name + "." + legacyName;
        FieldType = field.FieldType;
        SkipsNull = FieldType.IsValueType && Nullable.GetUnderlyingType(FieldType) is null;
        TakesRawValue = !typeof(System.Formats.Nrbf.SerializationRecord).IsAssignableFrom(FieldType);
    }

    /// <summary>Whether a raw member value of exactly <see cref="FieldType"/> is stored as it is (never for record types).</summary>
    public bool TakesRawValue { get; }

    public string LegacyName { get; }

    public FieldInfo Field { get; }

    public Type FieldType { get; }

    /// <summary>Whether a null is left out (a non-nullable value type keeps its default).</summary>
    public bool SkipsNull { get; }

    /// <summary>Where a value is, for error messages: <c>Type.field</c>.</summary>
    public string Path { get; }

    /// <summary>Stores a value already checked to fit <see cref="FieldType"/>, with a setter compiled once per field.</summary>
    public void SetValue(object instance, object? value) => (Volatile.Read(ref _setter) ?? CreateSetter())(instance, value);

    private Action<object, object?> CreateSetter()
    {
        // Two threads may both build one; either is correct and the last one stays.
        var setter = FieldSetter.Create(Field);
        Volatile.Write(ref _setter, setter);
        return setter;
    }
}

/// <summary>
/// How the members of one class record shape (the member names in stream order) fill a mapped type: the target
/// member of each stream member, or null for a field the mapped type does not have.
/// </summary>
internal sealed class MemberPlan
{
    public MemberPlan(string[] names, MappedMember?[] targets)
    {
        Names = names;
        Targets = targets;
    }

    public string[] Names { get; }

    public MappedMember?[] Targets { get; }
}

/// <summary>Numeric translation of an enum mapped by name.</summary>
internal sealed class EnumTranslation
{
    public Dictionary<long, long> ToLegacy { get; } = [];

    public Dictionary<long, long> FromLegacy { get; } = [];
}
