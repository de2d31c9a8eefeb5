namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// The declared type of a member or array element as [MS-NRBF] §2.3.1.2 describes it: a BinaryTypeEnum, plus a
/// primitive type code or a class name and library.
/// </summary>
internal sealed class MemberKind
{
    public const byte Primitive = 0;
    public const byte String = 1;
    public const byte Object = 2;
    public const byte SystemClass = 3;
    public const byte Class = 4;
    public const byte ObjectArray = 5;
    public const byte StringArray = 6;
    public const byte PrimitiveArray = 7;

    public static readonly MemberKind StringKind = new(String, 0, null, null);
    public static readonly MemberKind ObjectKind = new(Object, 0, null, null);

    public MemberKind(byte binaryType, byte primitiveCode, string? className, string? library)
    {
        BinaryType = binaryType;
        PrimitiveCode = primitiveCode;
        ClassName = className;
        Library = library;
    }

    public byte BinaryType { get; }

    public byte PrimitiveCode { get; }

    public string? ClassName { get; }

    /// <summary>The library (assembly) name of a <see cref="Class"/> kind.</summary>
    public string? Library { get; }

    public static MemberKind For(Type type, LegacyTypeMap map)
    {
        var code = LegacyTypeNames.GetPrimitiveCode(type);
        if (code != 0)
        {
            return new MemberKind(Primitive, code, null, null);
        }

        if (type == typeof(string))
        {
            return StringKind;
        }

        if (type == typeof(object))
        {
            return ObjectKind;
        }

        if (type.IsSZArray)
        {
            var element = type.GetElementType()!;
            var elementCode = LegacyTypeNames.GetPrimitiveCode(element);
            if (elementCode != 0)
            {
                return new MemberKind(PrimitiveArray, elementCode, null, null);
            }

            if (element == typeof(string))
            {
                return new MemberKind(StringArray, 0, null, null);
            }

            if (element == typeof(object))
            {
                return new MemberKind(ObjectArray, 0, null, null);
            }
        }

        return ForClass(type, map) ?? throw new NotSupportedException(
            $"The type '{type}' has no name the legacy application's BinaryFormatter knows. Map it with LegacyTypeMap.Map<{type.Name}>(\"Legacy.Namespace.{type.Name}, LegacyAssembly\"), " +
            "or use a built-in shape (primitives, string, DateTime, decimal, Guid, TimeSpan, DateTimeOffset, Nullable<T>, arrays, List<T>, Dictionary<TKey,TValue>, Hashtable, ArrayList).");
    }

    public static MemberKind? ForClass(Type type, LegacyTypeMap map) =>
        LegacyTypeNames.TryGetLegacyName(type, map) is { } name
            ? new MemberKind(name.Assembly is null ? SystemClass : Class, 0, name.Name, name.Assembly)
            : null;

    public bool SameAs(MemberKind other) =>
        BinaryType == other.BinaryType && PrimitiveCode == other.PrimitiveCode && ClassName == other.ClassName && Library == other.Library;
}
