using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// The class-record shapes of every writable type, built once per type: mapped types as their fields are declared,
/// and the built-in types as .NET Framework 4.8 serializes them (field names and order of its reference source).
/// </summary>
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "LegacyValueSerializer's constructor requires dynamic code.")]
[UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic helpers over built-in collections of mapped types.")]
internal sealed class ClassShapes
{
    private const float HashtableLoadFactor = 0.72f;
    private static readonly MemberKind s_int32 = new(MemberKind.Primitive, 8, null, null);

    private readonly LegacyTypeMap _map;
    private readonly ConcurrentDictionary<Type, ClassShape?> _shapes = new();
    private readonly ConcurrentDictionary<Type, ClassShape?> _uninitializedDictionaryShapes = new();

    public ClassShapes(LegacyTypeMap map) => _map = map;

    public LegacyTypeMap Map => _map;

    /// <summary>The shape of an object, or null when its type cannot be written.</summary>
    public ClassShape? Get(object value)
    {
        var type = value.GetType();
        if (value is IDictionary dictionary && dictionary.Count == 0 && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) &&
            Get(type) is { } shape && shape.GetValues(value)[2] is 0)
        {
            return _uninitializedDictionaryShapes.GetOrAdd(type, t => CreateDictionary(t, withPairs: false));
        }

        return Get(type);
    }

    /// <summary>Whether values of a type can be written (arrays, class records, or NRBF primitives).</summary>
    public bool CanWrite(Type type, out string? reason)
    {
        reason = null;
        try
        {
            if (type.IsSZArray)
            {
                _ = MemberKind.For(type, _map);
                var element = type.GetElementType()!;
                return element == typeof(object) || element == typeof(string) || LegacyTypeNames.GetPrimitiveCode(element) != 0 || CanWrite(element, out reason);
            }

            if (LegacyTypeNames.GetPrimitiveCode(type) != 0 || type == typeof(string))
            {
                return true;
            }

            if (Get(type) is null)
            {
                _ = MemberKind.For(type, _map);
                return false;
            }

            return true;
        }
        catch (NotSupportedException ex)
        {
            reason = ex.Message;
            return false;
        }
    }

    public ClassShape? Get(Type type) => _shapes.GetOrAdd(type, Create);

    private ClassShape? Create(Type type)
    {
        if (_map.TryGetByType(type, out var mapped))
        {
            return type.IsEnum ? CreateEnum(mapped) : CreateMapped(mapped);
        }

        if (type == typeof(SessionStateActions))
        {
            return new ClassShape(LegacyTypeNames.SessionStateActionsName, LegacyTypeNames.SystemWeb, ["value__"], [s_int32], v => [(int)(SessionStateActions)v]);
        }

        if (type == typeof(Guid))
        {
            var kinds = new MemberKind[11];
            kinds[0] = s_int32;
            kinds[1] = kinds[2] = new MemberKind(MemberKind.Primitive, 7, null, null);
            for (var i = 3; i < 11; i++)
            {
                kinds[i] = new MemberKind(MemberKind.Primitive, 2, null, null);
            }

            return new ClassShape("System.Guid", null, ["_a", "_b", "_c", "_d", "_e", "_f", "_g", "_h", "_i", "_j", "_k"], kinds, GuidValues);
        }

        if (type == typeof(DateTimeOffset))
        {
            return new ClassShape("System.DateTimeOffset", null, ["DateTime", "OffsetMinutes"],
                [new MemberKind(MemberKind.Primitive, 13, null, null), new MemberKind(MemberKind.Primitive, 7, null, null)],
                v =>
                {
                    var d = (DateTimeOffset)v;
                    return [new DateTime(d.UtcTicks, DateTimeKind.Unspecified), (short)d.TotalOffsetMinutes];
                });
        }

        if (type == typeof(Hashtable))
        {
            return new ClassShape("System.Collections.Hashtable", null,
                ["LoadFactor", "Version", "Comparer", "HashCodeProvider", "HashSize", "Keys", "Values"],
                [
                    new MemberKind(MemberKind.Primitive, 11, null, null), s_int32,
                    new MemberKind(MemberKind.SystemClass, 0, "System.Collections.IComparer", null),
                    new MemberKind(MemberKind.SystemClass, 0, "System.Collections.IHashCodeProvider", null),
                    s_int32, new MemberKind(MemberKind.ObjectArray, 0, null, null), new MemberKind(MemberKind.ObjectArray, 0, null, null),
                ],
                HashtableValues);
        }

        if (type == typeof(ArrayList))
        {
            return new ClassShape("System.Collections.ArrayList", null, ["_items", "_size", "_version"],
                [new MemberKind(MemberKind.ObjectArray, 0, null, null), s_int32, s_int32],
                v =>
                {
                    var list = (ArrayList)v;
                    var items = new object?[list.Capacity];
                    list.CopyTo(items);
                    return [items, list.Count, list.Count];
                });
        }

        if (!type.IsConstructedGenericType || MemberKind.ForClass(type, _map) is not { } name)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (definition == typeof(List<>))
        {
            if (!CanWrite(arguments[0], out _))
            {
                return null;
            }

            return new ClassShape(name.ClassName!, null, ["_items", "_size", "_version"],
                [MemberKind.For(arguments[0].MakeArrayType(), _map), s_int32, s_int32], Invoke<Func<object, object?[]>>(nameof(ListValues), arguments));
        }

        if (definition == typeof(KeyValuePair<,>))
        {
            return new ClassShape(name.ClassName!, null, ["key", "value"],
                [MemberKind.For(arguments[0], _map), MemberKind.For(arguments[1], _map)], Invoke<Func<object, object?[]>>(nameof(PairValues), arguments));
        }

        if (definition == typeof(Dictionary<,>))
        {
            return CanWrite(arguments[0], out _) && CanWrite(arguments[1], out _) ? CreateDictionary(type, withPairs: true) : null;
        }

        if (definition == typeof(GenericEqualityComparerMarker<>))
        {
            return new ClassShape(name.ClassName!, null, [], [], _ => []);
        }

        return null;
    }

    private ClassShape? CreateDictionary(Type type, bool withPairs)
    {
        var arguments = type.GetGenericArguments();
        var comparer = typeof(GenericEqualityComparerMarker<>).MakeGenericType(arguments[0]);
        var pairs = typeof(KeyValuePair<,>).MakeGenericType(arguments).MakeArrayType();
        var getValues = Invoke<Func<object, object?[]>>(nameof(DictionaryValues), arguments);
        return new ClassShape(MemberKind.ForClass(type, _map)!.ClassName!, null,
            withPairs ? ["Version", "Comparer", "HashSize", "KeyValuePairs"] : ["Version", "Comparer", "HashSize"],
            withPairs
                ? [s_int32, MemberKind.ForClass(comparer, _map)!, s_int32, MemberKind.ForClass(pairs, _map)!]
                : [s_int32, MemberKind.ForClass(comparer, _map)!, s_int32],
            withPairs ? getValues : v => getValues(v)[..3]);
    }

    private ClassShape CreateMapped(MappedType mapped)
    {
        var members = mapped.Members;
        var kinds = new MemberKind[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            try
            {
                kinds[i] = MemberKind.For(members[i].Field.FieldType, _map);
            }
            catch (NotSupportedException ex)
            {
                throw new NotSupportedException($"The field '{members[i].LegacyName}' of the mapped type '{mapped.ClrType}' cannot be written: {ex.Message}", ex);
            }
        }

        var fields = members.Select(m => m.Field).ToArray();
        return new ClassShape(mapped.LegacyName, mapped.AssemblyName, [.. members.Select(m => m.LegacyName)], kinds, v =>
        {
            var values = new object?[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                values[i] = fields[i].GetValue(v);
            }

            return values;
        });
    }

    private static ClassShape CreateEnum(MappedType mapped)
    {
        var underlying = Enum.GetUnderlyingType(mapped.ClrType);
        var translation = mapped.EnumValues;
        return new ClassShape(mapped.LegacyName, mapped.AssemblyName, ["value__"],
            [new MemberKind(MemberKind.Primitive, LegacyTypeNames.GetPrimitiveCode(underlying), null, null)],
            v =>
            {
                var number = Convert.ToInt64(v, CultureInfo.InvariantCulture);
                if (translation is not null && !translation.ToLegacy.TryGetValue(number, out number))
                {
                    throw new NotSupportedException($"The value {v} of enum '{mapped.ClrType}' has no legacy value in its mapping.");
                }

                return [Convert.ChangeType(number, underlying, CultureInfo.InvariantCulture)];
            });
    }

    private static object?[] GuidValues(object value)
    {
        Span<byte> b = stackalloc byte[16];
        _ = ((Guid)value).TryWriteBytes(b);
        return
        [
            BitConverter.ToInt32(b), BitConverter.ToInt16(b[4..]), BitConverter.ToInt16(b[6..]),
            b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15],
        ];
    }

    private static object?[] HashtableValues(object value)
    {
        var table = (Hashtable)value;
        var keys = new object?[table.Count];
        var values = new object?[table.Count];
        var i = 0;
        foreach (DictionaryEntry entry in table)
        {
            keys[i] = entry.Key;
            values[i++] = entry.Value;
        }

        // The bucket count a default Hashtable reaches after this many inserts (.NET Framework's growth rule).
        var hashSize = 3;
        var loadSize = (int)(HashtableLoadFactor * hashSize);
        for (var n = 0; n < table.Count; n++)
        {
            if (n >= loadSize)
            {
                hashSize = GetPrime(2 * hashSize);
                loadSize = (int)(HashtableLoadFactor * hashSize);
            }
        }

        return [HashtableLoadFactor, table.Count, null, null, hashSize, keys, values];
    }

    // The start of .NET's HashHelpers.primes table, which Hashtable sizes itself from.
    private static readonly int[] s_primes =
    [
        3, 7, 11, 17, 23, 29, 37, 47, 59, 71, 89, 107, 131, 163, 197, 239, 293, 353, 431, 521, 631, 761, 919, 1103, 1327, 1597,
        1931, 2333, 2801, 3371, 4049, 4861, 5839, 7013, 8419, 10103, 12143, 14591, 17519, 21023, 25229, 30293, 36353, 43627,
        52361, 62851, 75431, 90523, 108631, 130363, 156437, 187751, 225307, 270371, 324449, 389357, 467237, 560689, 672827,
        807403, 968897, 1162687, 1395263, 1674319, 2009191, 2411033, 2893249, 3471899, 4166287, 4999559, 5999471, 7199369,
    ];

    private static int GetPrime(int min)
    {
        foreach (var prime in s_primes)
        {
            if (prime >= min)
            {
                return prime;
            }
        }

        for (var candidate = min | 1; ; candidate += 2)
        {
            var isPrime = true;
            for (var d = 3; d * d <= candidate; d += 2)
            {
                if (candidate % d == 0)
                {
                    isPrime = false;
                    break;
                }
            }

            if (isPrime && (candidate - 1) % 101 != 0)
            {
                return candidate;
            }
        }
    }

    private static Func<object, object?[]> ListValues<T>() => v =>
    {
        var list = (List<T>)v;
        var items = new T[list.Capacity];
        list.CopyTo(items);
        return [items, list.Count, ListVersion<T>.Get(list)];
    };

    private static Func<object, object?[]> PairValues<TKey, TValue>() => v =>
    {
        var pair = (KeyValuePair<TKey, TValue>)v;
        return [pair.Key, pair.Value];
    };

    private static Func<object, object?[]> DictionaryValues<TKey, TValue>()
        where TKey : notnull => v =>
    {
        var dictionary = (Dictionary<TKey, TValue>)v;
        if (!ReferenceEquals(dictionary.Comparer, EqualityComparer<TKey>.Default))
        {
            throw new NotSupportedException(
                $"A Dictionary<{typeof(TKey).Name}, {typeof(TValue).Name}> with a custom comparer cannot be written; only the default comparer is supported.");
        }

        var pairs = new KeyValuePair<TKey, TValue>[dictionary.Count];
        ((ICollection<KeyValuePair<TKey, TValue>>)dictionary).CopyTo(pairs, 0);
        return [dictionary.Count, GenericEqualityComparerMarker<TKey>.Instance, dictionary.EnsureCapacity(0), pairs];
    };

    private static TResult Invoke<TResult>(string method, Type[] arguments) =>
        (TResult)typeof(ClassShapes).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(arguments).Invoke(null, null)!;

    /// <summary>
    /// A list's private <c>_version</c>, which BinaryFormatter writes (and .NET Framework ignores when reading): kept so
    /// that a list read from a stream is written back byte for byte. Falls back to the count if the field is missing.
    /// </summary>
    internal static class ListVersion<T>
    {
        private static bool s_missing;

        public static int Get(List<T> list)
        {
            if (!s_missing)
            {
                try
                {
                    return Field(list);
                }
                catch (MissingFieldException)
                {
                    s_missing = true;
                }
            }

            return list.Count;
        }

        public static void Set(List<T> list, int version)
        {
            if (!s_missing)
            {
                try
                {
                    Field(list) = version;
                }
                catch (MissingFieldException)
                {
                    s_missing = true;
                }
            }
        }

        [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "_version")]
        private static extern ref int Field(List<T> list);
    }
}
