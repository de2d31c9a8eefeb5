using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Formats.Nrbf;
using System.Runtime.CompilerServices;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// Turns the records <see cref="NrbfDecoder"/> read from a type-20 session value into objects: mapped types, built-in
/// shapes, or <see cref="LegacyObject"/> views. Only types of the map and the built-in list are ever instantiated;
/// the names in the stream are compared as strings and never loaded.
/// </summary>
/// <remarks>
/// Every record is converted once and remembered by its id, so shared references keep their identity and reference
/// cycles close on the object already created (objects are registered before their fields are read). Nesting depth
/// and the total of fields and array elements are bounded by <see cref="LegacyValueLimits"/>.
/// </remarks>
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "LegacyValueSerializer's constructor requires dynamic code.")]
[UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Mapped types are annotated at LegacyTypeMap.Map.")]
[UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Mapped types are annotated at LegacyTypeMap.Map.")]
[UnconditionalSuppressMessage("Trimming", "IL2077", Justification = "Mapped types are annotated at LegacyTypeMap.Map.")]
internal sealed class NrbfValueReader
{
    /// <summary>Largest memo kept for the next read on this thread; a bigger one is left to the GC.</summary>
    private const int MaxCachedRecords = 1024;

    [ThreadStatic]
    private static NrbfValueReader? t_cached;

    /// <summary>The first records read, searched by reference: most values hold only a few records.</summary>
    private const int RecentRecords = 8;

    private readonly Recent[] _recent = new Recent[RecentRecords];
    private readonly Dictionary<SerializationRecordId, object?> _done = [];
    private int _recentCount;
    private LegacyTypeMap _map;
    private LegacyValueLimits _limits;
    private long _elements;
    private object? _planKey;
    private MappedType? _planType;
    private MemberPlan? _plan;

    public NrbfValueReader(LegacyTypeMap map, LegacyValueLimits limits)
    {
        _map = map;
        _limits = limits;
    }

    /// <summary>
    /// A reader for one value: the one this thread used last (its memo already sized) or a new one. Give it back
    /// with <see cref="Return"/>; a read that re-enters (none does today) simply gets a new reader.
    /// </summary>
    public static NrbfValueReader Rent(LegacyTypeMap map, LegacyValueLimits limits)
    {
        var reader = t_cached;
        if (reader is null)
        {
            return new NrbfValueReader(map, limits);
        }

        t_cached = null;
        reader._map = map;
        reader._limits = limits;
        return reader;
    }

    /// <summary>Forgets everything this read saw (no decoded object stays reachable) and keeps the reader for the next read.</summary>
    public void Return()
    {
        var small = _done.Count <= MaxCachedRecords;
        _done.Clear();
        Array.Clear(_recent, 0, _recentCount);
        _recentCount = 0;
        _elements = 0;
        _planKey = null;
        _planType = null;
        _plan = null;
        if (small)
        {
            t_cached = this;
        }
    }

    /// <summary>Remembers the object a record became, so a second reference to the record (or a cycle) gets the same object.</summary>
    private void Remember(SerializationRecord record, object? value)
    {
        for (var i = 0; i < _recentCount; i++)
        {
            if (ReferenceEquals(_recent[i].Record, record))
            {
                _recent[i].Value = value;
                return;
            }
        }

        if (_recentCount < RecentRecords)
        {
            _recent[_recentCount++] = new Recent(record, value);
            return;
        }

        _done[record.Id] = value;
    }

    private bool TryRecall(SerializationRecord record, out object? value)
    {
        for (var i = 0; i < _recentCount; i++)
        {
            if (ReferenceEquals(_recent[i].Record, record))
            {
                value = _recent[i].Value;
                return true;
            }
        }

        if (_done.Count > 0)
        {
            return _done.TryGetValue(record.Id, out value);
        }

        value = null;
        return false;
    }

    public object? ReadRoot(SerializationRecord root) => Read(root, typeof(object), 0, "the value");

    private object? Read(object? raw, Type target, int depth, string where)
    {
        switch (raw)
        {
            case null:
                return null;
            case ClassRecord c:
                return ReadClass(c, target, depth, where);
            case ArrayRecord a:
                return ReadArray(a, target, depth, where);
            case PrimitiveTypeRecord p:
                return Coerce(p.Value, target, where);
            case SerializationRecord r:
                throw Fail($"{where} is a {r.RecordType} record, which a session value never holds.");
            default:
                return Coerce(raw, target, where);
        }
    }

    private static object? Coerce(object value, Type target, string where)
    {
        if (value.GetType() == target || target == typeof(object) || target.IsInstanceOfType(value))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }

        if (underlying.IsEnum && value.GetType() == Enum.GetUnderlyingType(underlying))
        {
            return Enum.ToObject(underlying, value);
        }

        throw Fail($"{where} holds a {value.GetType().Name}, but the mapped member is a {target}.");
    }

    private object? ReadClass(ClassRecord record, Type target, int depth, string where)
    {
        if (TryRecall(record, out var done))
        {
            return CheckTarget(done, target, where);
        }

        var memberNames = record.MemberNames;
        if (ReferenceEquals(memberNames, _planKey))
        {
            // The same class metadata as the mapped record read last (e.g. the next element of a list): same type.
            Enter(depth, _plan!.Names.Length, where);
            return CheckTarget(ReadMapped(record, memberNames, _planType!, depth, where), target, where);
        }

        Enter(depth, memberNames is Dictionary<string, int>.KeyCollection collection ? collection.Count : memberNames.Count(), where);
        var name = record.TypeName;
        var fullName = name.FullName;
        var mapped = _map.Find(fullName, name.AssemblyName);
        if (mapped is not null)
        {
            return CheckTarget(mapped.IsEnum ? ReadEnum(record, mapped, where) : ReadMapped(record, memberNames, mapped, depth, where), target, where);
        }

        return ReadUnmappedClass(record, name, fullName, target, depth, where);
    }

    /// <summary>
    /// A record whose type is not mapped: a built-in type or collection, System.Web's SessionStateActions, or else a
    /// read-only view. Kept apart from <see cref="ReadClass"/> so the mapped path stays a small method.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private object? ReadUnmappedClass(ClassRecord record, System.Reflection.Metadata.TypeName name, string fullName, Type target, int depth, string where)
    {
        var core = LegacyTypeNames.IsCoreAssembly(name.AssemblyName);
        object? result = null;
        if (core && !name.IsConstructedGenericType)
        {
            result = fullName switch
            {
                "System.Guid" => ReadGuid(record),
                "System.DateTimeOffset" => new DateTimeOffset(
                    new DateTime(record.GetDateTime("DateTime").Ticks, DateTimeKind.Unspecified).AddMinutes(record.GetInt16("OffsetMinutes")),
                    TimeSpan.FromMinutes(record.GetInt16("OffsetMinutes"))),
                "System.DateTime" when record.HasMember("dateData") => DateTimeFromData(record.GetUInt64("dateData")),
                "System.TimeSpan" when record.HasMember("_ticks") => new TimeSpan(record.GetInt64("_ticks")),
                "System.Collections.Hashtable" => ReadHashtable(record, depth, where),
                "System.Collections.ArrayList" => ReadArrayList(record, depth, where),
                _ => null,
            };
        }
        else if (core && name.IsConstructedGenericType)
        {
            // Built-in collections of unmapped types read with object elements (their records become views).
            var resolved = LegacyTypeNames.Resolve(name, _map) ?? LegacyTypeNames.ResolveCollectionOfObjects(name);
            if (resolved is not null && resolved.IsGenericType)
            {
                var definition = resolved.GetGenericTypeDefinition();
                var arguments = resolved.GetGenericArguments();
                if (definition == typeof(List<>))
                {
                    result = ReadList(record, arguments[0], depth, where);
                }
                else if (definition == typeof(Dictionary<,>))
                {
                    result = ReadDictionary(record, resolved, arguments[0], arguments[1], depth, where);
                }
                else if (definition == typeof(KeyValuePair<,>))
                {
                    var key = Read(record.GetRawValue("key"), arguments[0], depth + 1, where + ".key");
                    var value = Read(record.GetRawValue("value"), arguments[1], depth + 1, where + ".value");
                    result = Activator.CreateInstance(resolved, key, value);
                }
            }
        }
        else if (fullName == LegacyTypeNames.SessionStateActionsName && name.AssemblyName?.Name == "System.Web" && record.HasMember("value__"))
        {
            result = (SessionStateActions)record.GetInt32("value__");
        }

        if (result is not null)
        {
            Remember(record, result);
            return CheckTarget(result, target, where);
        }

        return CheckTarget(ReadView(record, depth, where), target, where);
    }

    private static object? CheckTarget(object? value, Type target, string where) =>
        value is null || target == typeof(object) || value.GetType() == target || target.IsInstanceOfType(value) || Nullable.GetUnderlyingType(target)?.IsInstanceOfType(value) == true
            ? value
            : throw TargetMismatch(value, target, where);

    /// <summary>The error of a value that does not fit its member (apart, so the checks above stay small).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LegacySessionFormatException TargetMismatch(object value, Type target, string where)
    {
        var hint = value is LegacyObject view
            ? $"the legacy type '{view.TypeName}, {view.AssemblyName ?? "mscorlib"}', which is not mapped; map it with LegacyTypeMap.Map<{target.Name}>(\"{view.TypeName}, {view.AssemblyName ?? "mscorlib"}\")"
            : $"a {value.GetType()}";
        return Fail($"{where} holds {hint}, but the mapped member is a {target}.");
    }

    private LegacyObject ReadView(ClassRecord record, int depth, string where)
    {
        var names = record.MemberNames.ToArray();
        var assembly = LegacyTypeNames.IsCoreAssembly(record.TypeName.AssemblyName) ? null : record.TypeName.AssemblyName?.FullName;
        var view = new LegacyObject(record.TypeName.FullName, assembly, names);
        Remember(record, view);
        foreach (var member in names)
        {
            view.SetField(member, Read(record.GetRawValue(member), typeof(object), depth + 1, where + "." + member));
        }

        return view;
    }

    private object ReadMapped(ClassRecord record, IEnumerable<string> memberNames, MappedType mapped, int depth, string where)
    {
        var instance = RuntimeHelpers.GetUninitializedObject(mapped.ClrType);
        Remember(record, instance);
        MemberPlan plan;
        bool verified;
        if (ReferenceEquals(memberNames, _planKey) && ReferenceEquals(mapped, _planType))
        {
            plan = _plan!;
            verified = true;
        }
        else
        {
            plan = TakePlan(memberNames, mapped, out verified);
            if (verified)
            {
                KeepPlan(memberNames, mapped, plan);
            }
        }

        // Members are looked up by the stream's own name strings, which the record's dictionary matches by reference.
        var index = 0;
        if (memberNames is Dictionary<string, int>.KeyCollection streamNames)
        {
            foreach (var name in streamNames)
            {
                plan = verified ? plan : CheckPlan(plan, name, index, memberNames, mapped, ref verified);
                ReadMember(record, instance, plan.Targets[index++], name, depth);
            }
        }
        else
        {
            foreach (var name in memberNames.ToArray())
            {
                plan = verified ? plan : CheckPlan(plan, name, index, memberNames, mapped, ref verified);
                ReadMember(record, instance, plan.Targets[index++], name, depth);
            }
        }

        if (!ReferenceEquals(plan, _plan))
        {
            KeepPlan(memberNames, mapped, plan);
        }

        return instance;
    }

    private void ReadMember(ClassRecord record, object instance, MappedMember? target, string name, int depth)
    {
        if (target is null)
        {
            return; // A field the mapped type does not have: BinaryFormatter's version tolerance ignores it too.
        }

        // A primitive or string of exactly the field's type (most fields) needs no conversion and no record
        // dispatch, and a string[] field (common in session objects) takes the string array path directly.
        var raw = record.GetRawValue(name);
        var value = target.TakesRawValue && raw is not null && raw.GetType() == target.FieldType
            ? raw
            : raw is SZArrayRecord<string> strings && target.FieldType == typeof(string[])
                ? ReadStringArray(strings, depth + 1, target.Path)
                : Read(raw, target.FieldType, depth + 1, target.Path);
        if (value is not null || !target.SkipsNull)
        {
            target.SetValue(instance, value);
        }
    }

    /// <summary>
    /// The member plan for a record's shape: the plan of the type's last shape when it has as many members (checked
    /// name by name while the members are read, see <see cref="CheckPlan"/>), or a plan made from the record's names.
    /// Records of one class share their member names object (a ClassWithId record reuses its class's metadata), so
    /// the next record of the class reuses the plan without any check.
    /// </summary>
    private static MemberPlan TakePlan(IEnumerable<string> names, MappedType mapped, out bool verified)
    {
        var count = names is Dictionary<string, int>.KeyCollection collection ? collection.Count : names.Count();
        var plan = mapped.LastPlan;
        verified = plan is null || plan.Names.Length != count;
        return verified ? NewPlan(names, mapped) : plan!;
    }

    /// <summary>
    /// Checks a plan taken over from an earlier record against the stream's member name at one position; at the
    /// first difference (another version of the type, with as many members) plans the record's own names. The
    /// members before the difference have the same names, so they map to the same fields either way.
    /// </summary>
    private static MemberPlan CheckPlan(MemberPlan plan, string name, int index, IEnumerable<string> names, MappedType mapped, ref bool verified)
    {
        if (string.Equals(name, plan.Names[index], StringComparison.Ordinal))
        {
            verified = index == plan.Names.Length - 1;
            return plan;
        }

        verified = true;
        return NewPlan(names, mapped);
    }

    private static MemberPlan NewPlan(IEnumerable<string> key, MappedType mapped)
    {
        var names = key is Dictionary<string, int>.KeyCollection collection ? [.. collection] : key.ToArray();
        var targets = new MappedMember?[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            targets[i] = mapped.FindMember(names[i]);
        }

        var plan = new MemberPlan(names, targets);
        mapped.LastPlan = plan;
        return plan;
    }

    /// <summary>Remembers the plan of a record's member names object, for the next record of the same class.</summary>
    private void KeepPlan(IEnumerable<string> key, MappedType mapped, MemberPlan plan)
    {
        _planKey = key;
        _planType = mapped;
        _plan = plan;
    }

    private object ReadEnum(ClassRecord record, MappedType mapped, string where)
    {
        if (!record.HasMember("value__"))
        {
            throw Fail($"{where} is the enum '{mapped.LegacyName}' without its 'value__' field.");
        }

        var raw = record.GetRawValue("value__");
        var number = raw switch
        {
            int or long or short or sbyte or byte or ushort or uint => Convert.ToInt64(raw, System.Globalization.CultureInfo.InvariantCulture),
            ulong u => unchecked((long)u),
            _ => throw Fail($"{where} is the enum '{mapped.LegacyName}' with a non-integer value."),
        };
        if (mapped.EnumValues is { } translation)
        {
            number = translation.FromLegacy.TryGetValue(number, out var translated)
                ? translated
                : throw Fail($"{where} holds the value {number} of enum '{mapped.LegacyName}', which has no name in the mapping of {mapped.ClrType}.");
        }

        var result = Enum.ToObject(mapped.ClrType, number);
        Remember(record, result);
        return result;
    }

    private static Guid ReadGuid(ClassRecord record) => new(
        record.GetInt32("_a"), record.GetInt16("_b"), record.GetInt16("_c"),
        record.GetByte("_d"), record.GetByte("_e"), record.GetByte("_f"), record.GetByte("_g"),
        record.GetByte("_h"), record.GetByte("_i"), record.GetByte("_j"), record.GetByte("_k"));

    private static DateTime DateTimeFromData(ulong data)
    {
        var ticks = (long)(data & 0x3FFFFFFFFFFFFFFF);
        var kind = (data >> 62) switch { 1 => DateTimeKind.Utc, 0 => DateTimeKind.Unspecified, _ => DateTimeKind.Local };
        return new DateTime(ticks, kind);
    }

    private IList ReadList(ClassRecord record, Type elementType, int depth, string where)
    {
        var items = record.GetArrayRecord("_items");
        var size = record.GetInt32("_size");
        var capacity = items is null ? 0 : CheckLength(items, where);
        if (size < 0 || size > capacity)
        {
            throw Fail($"{where} is a List whose size {size} does not fit its {capacity} items.");
        }

        var factory = s_listFactories.GetOrAdd(elementType, CreateListFactory);
        var list = factory.Create(capacity);
        Remember(record, list);
        if (items is not null)
        {
            var elements = RawElements(items, depth, where);
            for (var i = 0; i < size; i++)
            {
                _ = list.Add(Read(elements[i], elementType, depth + 1, where));
            }
        }

        if (record.HasMember("_version") && record.GetRawValue("_version") is int version)
        {
            factory.SetVersion(list, version);
        }

        return list;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ListFactory> s_listFactories = new();

    private static ListFactory CreateListFactory(Type elementType) =>
        (ListFactory)typeof(ListFactory<>).MakeGenericType(elementType).GetField("Instance")!.GetValue(null)!;

    /// <summary>Creates lists of one element type without reflection on each read.</summary>
    private abstract class ListFactory
    {
        public abstract IList Create(int capacity);

        public abstract void SetVersion(IList list, int version);
    }

    private sealed class ListFactory<T> : ListFactory
    {
        public static readonly ListFactory<T> Instance = new();

        public override IList Create(int capacity) => new List<T>(capacity);

        public override void SetVersion(IList list, int version) => ClassShapes.ListVersion<T>.Set((List<T>)list, version);
    }

    private object? ReadDictionary(ClassRecord record, Type dictionaryType, Type keyType, Type valueType, int depth, string where)
    {
        // Only the default comparer is supported; a dictionary with another comparer reads as a view.
        if (record.GetRawValue("Comparer") is ClassRecord comparer &&
            !comparer.TypeName.FullName.StartsWith("System.Collections.Generic.GenericEqualityComparer`1", StringComparison.Ordinal) &&
            !comparer.TypeName.FullName.StartsWith("System.Collections.Generic.ObjectEqualityComparer`1", StringComparison.Ordinal) &&
            !comparer.TypeName.FullName.StartsWith("System.Collections.Generic.EnumEqualityComparer`1", StringComparison.Ordinal))
        {
            return null;
        }

        var pairs = record.HasMember("KeyValuePairs") ? record.GetArrayRecord("KeyValuePairs") : null;
        var count = pairs is null ? 0 : CheckLength(pairs, where);
        var hashSize = record.HasMember("HashSize") ? record.GetInt32("HashSize") : 0;
        var capacity = hashSize > count && hashSize <= (count * 2) + 16 ? hashSize : count;
        var dictionary = (IDictionary)Activator.CreateInstance(dictionaryType, capacity)!;
        Remember(record, dictionary);
        if (pairs is null)
        {
            return dictionary;
        }

        var elements = RawElements(pairs, depth, where);
        for (var i = 0; i < elements.Length; i++)
        {
            if (elements[i] is not ClassRecord pair)
            {
                throw Fail($"{where} holds a key-value pair that is not a record.");
            }

            Enter(depth + 1, 2, where);
            var key = Read(pair.GetRawValue("key"), keyType, depth + 2, $"{where}[{i}].key") ?? throw Fail($"{where} holds a null key.");
            if (dictionary.Contains(key))
            {
                throw Fail($"{where} holds the key '{key}' twice.");
            }

            dictionary.Add(key, Read(pair.GetRawValue("value"), valueType, depth + 2, $"{where}[{i}].value"));
        }

        return dictionary;
    }

    private object? ReadHashtable(ClassRecord record, int depth, string where)
    {
        if (record.GetRawValue("Comparer") is not null || record.GetRawValue("HashCodeProvider") is not null)
        {
            return null;
        }

        var keys = record.GetArrayRecord("Keys");
        var values = record.GetArrayRecord("Values");
        var count = keys is null || values is null ? -1 : CheckLength(keys, where);
        if (keys is null || values is null || count != CheckLength(values, where))
        {
            throw Fail($"{where} is a Hashtable whose keys and values do not match.");
        }

        var table = new Hashtable(count);
        Remember(record, table);
        var rawKeys = RawElements(keys, depth, where);
        var rawValues = RawElements(values, depth, where);
        for (var i = 0; i < rawKeys.Length; i++)
        {
            var key = Read(rawKeys[i], typeof(object), depth + 1, $"{where}.Keys[{i}]") ?? throw Fail($"{where} holds a null key.");
            if (table.ContainsKey(key))
            {
                throw Fail($"{where} holds the key '{key}' twice.");
            }

            table.Add(key, Read(rawValues[i], typeof(object), depth + 1, $"{where}.Values[{i}]"));
        }

        return table;
    }

    private ArrayList ReadArrayList(ClassRecord record, int depth, string where)
    {
        var items = record.GetArrayRecord("_items");
        var size = record.GetInt32("_size");
        var capacity = items is null ? 0 : CheckLength(items, where);
        if (size < 0 || size > capacity)
        {
            throw Fail($"{where} is an ArrayList whose size {size} does not fit its {capacity} items.");
        }

        var list = new ArrayList(capacity);
        Remember(record, list);
        if (items is not null)
        {
            var elements = RawElements(items, depth, where);
            for (var i = 0; i < size; i++)
            {
                _ = list.Add(Read(elements[i], typeof(object), depth + 1, where));
            }
        }

        return list;
    }

    private object ReadArray(ArrayRecord record, Type target, int depth, string where)
    {
        if (TryRecall(record, out var done))
        {
            return CheckTarget(done, target, where)!;
        }

        var length = CheckLength(record, where);
        Enter(depth, 0, where);
        if (TryGetPrimitiveArray(record) is { } direct)
        {
            Enter(depth, length, where);
            Remember(record, direct);
            return CheckTarget(direct, target, where)!;
        }

        return ReadOtherArray(record, target, length, depth, where);
    }

    /// <summary>
    /// A string array read into a <c>string[]</c> field: what <see cref="ReadArray"/> does for it (identity, limits),
    /// without the dispatch on the record and target types.
    /// </summary>
    private object ReadStringArray(SZArrayRecord<string> record, int depth, string where)
    {
        if (TryRecall(record, out var done))
        {
            return CheckTarget(done, typeof(string[]), where)!;
        }

        var length = CheckLength(record, where);
        Enter(depth, length, where);
        var values = record.GetArray(allowNulls: true);
        Remember(record, values);
        return values;
    }

    /// <summary>Arrays of other element types (records, enums, rarer primitives): apart, so the common case above stays small.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private object ReadOtherArray(ArrayRecord record, Type target, int length, int depth, string where)
    {
        var elementName = record.TypeName.GetElementType();
        var primitive = LegacyTypeNames.IsCoreAssembly(elementName.AssemblyName) && !elementName.IsArray && !elementName.IsConstructedGenericType
            ? LegacyTypeNames.Resolve(elementName, _map)
            : null;
        if (primitive is not null && (primitive == typeof(string) || LegacyTypeNames.GetPrimitiveCode(primitive) != 0) && record is not SZArrayRecord<SerializationRecord>)
        {
            Enter(depth, length, where);
            var values = record.GetArray(primitive.MakeArrayType(), allowNulls: true);
            Remember(record, values);
            return CheckTarget(values, target, where)!;
        }

        var elementType = target.IsSZArray ? target.GetElementType()! : LegacyTypeNames.Resolve(elementName, _map) ?? typeof(object);
        var array = Array.CreateInstance(elementType, length);
        Remember(record, array);
        var elements = RawElements(record, depth, where);
        for (var i = 0; i < elements.Length; i++)
        {
            var value = Read(elements[i], elementType, depth + 1, where);
            if (value is not null)
            {
                array.SetValue(value, i);
            }
        }

        return CheckTarget(array, target, where)!;
    }

    /// <summary>Arrays of the common primitives and strings, read without comparing type names.</summary>
    private static Array? TryGetPrimitiveArray(ArrayRecord record) => record switch
    {
        SZArrayRecord<string> a => a.GetArray(allowNulls: true),
        SZArrayRecord<byte> a => a.GetArray(),
        SZArrayRecord<int> a => a.GetArray(),
        SZArrayRecord<long> a => a.GetArray(),
        SZArrayRecord<double> a => a.GetArray(),
        SZArrayRecord<bool> a => a.GetArray(),
        SZArrayRecord<char> a => a.GetArray(),
        SZArrayRecord<decimal> a => a.GetArray(),
        SZArrayRecord<DateTime> a => a.GetArray(),
        SZArrayRecord<short> a => a.GetArray(),
        SZArrayRecord<float> a => a.GetArray(),
        _ => null,
    };

    private object?[] RawElements(ArrayRecord record, int depth, string where)
    {
        Enter(depth + 1, CheckLength(record, where), where);
        return record switch
        {
            SZArrayRecord<SerializationRecord> records => records.GetArray(allowNulls: true),
            SZArrayRecord<string> strings => strings.GetArray(allowNulls: true),
            _ => ToObjects(record.GetArray(LegacyTypeNames.Resolve(record.TypeName, _map) ?? throw Fail($"{where} is an array of an unsupported element type '{record.TypeName.FullName}'."), allowNulls: true)),
        };
    }

    private static object?[] ToObjects(Array array)
    {
        var result = new object?[array.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = array.GetValue(i);
        }

        return result;
    }

    private int CheckLength(ArrayRecord record, string where)
    {
        if (record.Rank != 1)
        {
            throw NotSingleDimension(record, where);
        }

        // ArrayRecord.Lengths allocates an array on every call; the single-dimension records have Length.
        var length = record switch
        {
            SZArrayRecord<SerializationRecord> records => records.Length,
            SZArrayRecord<string> strings => strings.Length,
            _ => record.Lengths[0],
        };
        if (length < 0 || length > _limits.MaxElements)
        {
            throw TooManyElements(length, where);
        }

        return length;
    }

    private void Enter(int depth, int elements, string where)
    {
        if (depth >= _limits.MaxDepth)
        {
            throw TooDeep(where);
        }

        _elements += elements;
        if (_elements > _limits.MaxElements)
        {
            throw TooManyInTotal();
        }
    }

    // The limit errors are built apart from the checks, which run for every record and stay small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LegacySessionFormatException NotSingleDimension(ArrayRecord record, string where) =>
        Fail($"{where} is a {record.Rank}-dimensional array ({record.TypeName.FullName}); only single-dimension arrays are supported.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LegacySessionFormatException TooManyElements(int length, string where) =>
        Fail($"{where} declares {length} elements, more than the limit of {_limits.MaxElements} (LegacyValueLimits.MaxElements).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LegacySessionFormatException TooDeep(string where) =>
        Fail($"{where} nests deeper than {_limits.MaxDepth} levels (LegacyValueLimits.MaxDepth).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LegacySessionFormatException TooManyInTotal() =>
        Fail($"the value holds more than {_limits.MaxElements} fields and elements (LegacyValueLimits.MaxElements).");

    private static LegacySessionFormatException Fail(string message) =>
        new($"The serialized object cannot be read: {message}");

    /// <summary>A record read and the object it became (a struct, so storing one needs no array type check).</summary>
    private struct Recent(SerializationRecord record, object? value)
    {
        public readonly SerializationRecord Record = record;
        public object? Value = value;
    }
}
