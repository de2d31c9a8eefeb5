using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Metadata;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// The names types have in a .NET Framework 4.8 BinaryFormatter stream, both ways: the legacy name of a CLR type
/// (core types live in <c>mscorlib</c>), and the CLR type a stream name stands for, found only among the built-in
/// types and the type map. Nothing is ever loaded by name.
/// </summary>
internal static class LegacyTypeNames
{
    public const string Mscorlib = "mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";
    public const string SystemWeb = "System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a";
    public const string SessionStateActionsName = "System.Web.SessionState.SessionStateActions";

    private static readonly Dictionary<string, Type> s_core = new(StringComparer.Ordinal)
    {
        ["System.Boolean"] = typeof(bool),
        ["System.Byte"] = typeof(byte),
        ["System.Char"] = typeof(char),
        ["System.Decimal"] = typeof(decimal),
        ["System.Double"] = typeof(double),
        ["System.Int16"] = typeof(short),
        ["System.Int32"] = typeof(int),
        ["System.Int64"] = typeof(long),
        ["System.SByte"] = typeof(sbyte),
        ["System.Single"] = typeof(float),
        ["System.TimeSpan"] = typeof(TimeSpan),
        ["System.DateTime"] = typeof(DateTime),
        ["System.UInt16"] = typeof(ushort),
        ["System.UInt32"] = typeof(uint),
        ["System.UInt64"] = typeof(ulong),
        ["System.String"] = typeof(string),
        ["System.Object"] = typeof(object),
        ["System.Guid"] = typeof(Guid),
        ["System.DateTimeOffset"] = typeof(DateTimeOffset),
        ["System.Collections.Hashtable"] = typeof(Hashtable),
        ["System.Collections.ArrayList"] = typeof(ArrayList),
    };

    private static readonly Dictionary<Type, string> s_coreNames = s_core.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>Whether an assembly name is the core library of either .NET Framework or .NET.</summary>
    public static bool IsCoreAssembly(AssemblyNameInfo? assembly) => assembly is null || assembly.Name is "mscorlib" or "System.Private.CoreLib" or "netstandard";

    /// <summary>The [MS-NRBF] primitive type code of a CLR type, or 0 when it is not an NRBF primitive.</summary>
    public static byte GetPrimitiveCode(Type type) => Type.GetTypeCode(type) switch
    {
        _ when type.IsEnum => 0,
        TypeCode.Boolean => 1,
        TypeCode.Byte => 2,
        TypeCode.Char => 3,
        TypeCode.Decimal => 5,
        TypeCode.Double => 6,
        TypeCode.Int16 => 7,
        TypeCode.Int32 => 8,
        TypeCode.Int64 => 9,
        TypeCode.SByte => 10,
        TypeCode.Single => 11,
        TypeCode.DateTime => 13,
        TypeCode.UInt16 => 14,
        TypeCode.UInt32 => 15,
        TypeCode.UInt64 => 16,
        _ when type == typeof(TimeSpan) => 12,
        _ => 0,
    };

    /// <summary>The legacy full name and assembly (null for mscorlib) of a CLR type, or null if it has none.</summary>
    public static (string Name, string? Assembly)? TryGetLegacyName(Type type, LegacyTypeMap map)
    {
        if (s_coreNames.TryGetValue(type, out var core))
        {
            return (core, null);
        }

        if (type == typeof(SessionStateActions))
        {
            return (SessionStateActionsName, SystemWeb);
        }

        if (map.TryGetByType(type, out var mapped))
        {
            return (mapped.LegacyName, mapped.AssemblyName);
        }

        if (type.IsSZArray)
        {
            return TryGetLegacyName(type.GetElementType()!, map) is { } element ? (element.Name + "[]", element.Assembly) : null;
        }

        if (type.IsConstructedGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            string? name = definition == typeof(List<>) ? "System.Collections.Generic.List`1"
                : definition == typeof(Dictionary<,>) ? "System.Collections.Generic.Dictionary`2"
                : definition == typeof(KeyValuePair<,>) ? "System.Collections.Generic.KeyValuePair`2"
                : definition == typeof(Nullable<>) ? "System.Nullable`1"
                : definition == typeof(GenericEqualityComparerMarker<>) ? "System.Collections.Generic.GenericEqualityComparer`1"
                : null;
            if (name is null)
            {
                return null;
            }

            var builder = new System.Text.StringBuilder(name).Append('[');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (TryGetLegacyName(arguments[i], map) is not { } argument)
                {
                    return null;
                }

                _ = builder.Append(i == 0 ? "[" : ",[").Append(argument.Name).Append(", ").Append(argument.Assembly ?? Mscorlib).Append(']');
            }

            return (builder.Append(']').ToString(), null);
        }

        return null;
    }

    /// <summary>List`1 and Dictionary`2 of any element types, as collections of objects.</summary>
    public static Type? ResolveCollectionOfObjects(TypeName name) => name.GetGenericTypeDefinition().FullName switch
    {
        "System.Collections.Generic.List`1" => typeof(List<object>),
        "System.Collections.Generic.Dictionary`2" => typeof(Dictionary<object, object>),
        _ => null,
    };

    /// <summary>
    /// The CLR type a stream type name stands for: a core or built-in type, a mapped type, or arrays and the built-in
    /// generic collections of those. Null when the name is none of these (the value then reads as a
    /// <see cref="LegacyObject"/>).
    /// </summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "LegacyValueSerializer's constructor requires dynamic code.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "Only built-in generic definitions over mapped or core types.")]
    public static Type? Resolve(TypeName name, LegacyTypeMap map, int depth = 0)
    {
        if (depth > 8)
        {
            return null;
        }

        if (name.IsSZArray)
        {
            return Resolve(name.GetElementType(), map, depth + 1) is { } element ? element.MakeArrayType() : null;
        }

        if (name.IsArray)
        {
            return null;
        }

        if (name.IsConstructedGenericType)
        {
            var definition = name.GetGenericTypeDefinition();
            if (!IsCoreAssembly(definition.AssemblyName))
            {
                return null;
            }

            var arguments = name.GetGenericArguments();
            var types = new Type[arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                if (Resolve(arguments[i], map, depth + 1) is not { } argument)
                {
                    return null;
                }

                types[i] = argument;
            }

            Type? open = definition.FullName switch
            {
                "System.Collections.Generic.List`1" when types.Length == 1 => typeof(List<>),
                "System.Collections.Generic.Dictionary`2" when types.Length == 2 => typeof(Dictionary<,>),
                "System.Collections.Generic.KeyValuePair`2" when types.Length == 2 => typeof(KeyValuePair<,>),
                "System.Nullable`1" when types.Length == 1 && types[0].IsValueType => typeof(Nullable<>),
                _ => null,
            };
            return open?.MakeGenericType(types);
        }

        if (name.FullName == SessionStateActionsName && name.AssemblyName?.Name == "System.Web")
        {
            return typeof(SessionStateActions);
        }

        if (IsCoreAssembly(name.AssemblyName) && s_core.TryGetValue(name.FullName, out var core))
        {
            return core;
        }

        return map.Find(name.FullName, name.AssemblyName)?.ClrType;
    }
}

/// <summary>Stands for <c>GenericEqualityComparer&lt;T&gt;</c>, the default comparer a .NET Framework dictionary serializes.</summary>
internal sealed class GenericEqualityComparerMarker<T>
{
    public static readonly GenericEqualityComparerMarker<T> Instance = new();
}
