using System.Formats.Nrbf;
using System.Globalization;
using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SessionBridge.Legacy.Values.Tests")]

namespace SessionBridge.Tool;

/// <summary>
/// Sessions as JSON in the schema of the shared test vectors (vectors/README.md): <c>container</c>, <c>timeout</c>,
/// <c>compressed</c>, <c>items</c> (key, type, typeCode, value, display, valueHex) and <c>staticObjects</c>.
/// </summary>
internal static class SessionJson
{
    public const string SessionStateContainer = "sessionState";
    public const string ItemCollectionContainer = "itemCollection";

    public static JsonObject ToJson(SessionStateData data, bool compressed) => new()
    {
        ["container"] = SessionStateContainer,
        ["timeout"] = data.Timeout,
        ["compressed"] = compressed,
        ["items"] = ItemsToJson(data.Items),
        ["staticObjects"] = StaticObjectsToJson(data.StaticObjects),
    };

    public static JsonObject ToJson(SessionStateItemCollection items) => new()
    {
        ["container"] = ItemCollectionContainer,
        ["timeout"] = null,
        ["compressed"] = false,
        ["items"] = ItemsToJson(items),
        ["staticObjects"] = new JsonArray(),
    };

    public static JsonArray ItemsToJson(SessionStateItemCollection items)
    {
        var array = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            // Read the encoded form first: it does not decode the value or mark the collection dirty.
            var encoded = items.GetEncodedValue(i);
            var code = items.GetTypeCode(i);
            var item = new JsonObject { ["key"] = items.GetKey(i) };
            try
            {
                var value = items[i];
                var type = GetTypeName(value is null ? SessionValueTypeCode.Null : code);
                item["type"] = type;
                item["typeCode"] = (int)code;
                item["value"] = ValueToJson(value, out var display);
                if (display is not null)
                {
                    item["display"] = display;
                }
            }
            catch (LegacySessionFormatException ex)
            {
                item["typeCode"] = (int)code;
                item["accessError"] = ex.Message;
            }

            item["valueHex"] = Convert.ToHexString(encoded.Span);
            array.Add(item);
        }

        return array;
    }

    private static JsonArray StaticObjectsToJson(SessionStateStaticObjects? staticObjects)
    {
        var array = new JsonArray();
        if (staticObjects is null)
        {
            return array;
        }

        foreach (var entry in staticObjects.Entries)
        {
            var node = new JsonObject { ["name"] = entry.Name, ["hasInstance"] = entry.HasInstance };
            if (entry.HasInstance)
            {
                var instance = new JsonObject
                {
                    ["type"] = GetTypeName(entry.InstanceTypeCode),
                    ["typeCode"] = (int)entry.InstanceTypeCode,
                };
                if (entry.InstanceTypeCode == SessionValueTypeCode.Object)
                {
                    instance["value"] = ValueToJson(new SerializedObject(entry.EncodedInstance[1..]), out _);
                }

                instance["valueHex"] = Convert.ToHexString(entry.EncodedInstance.Span);
                node["instance"] = instance;
            }
            else
            {
                node["typeName"] = entry.TypeName;
                node["lateBound"] = entry.LateBound;
            }

            array.Add(node);
        }

        return array;
    }

    /// <summary>The vectors' name of a type code (System.Web's <c>TypeID</c>); unknown codes read as Null.</summary>
    public static string GetTypeName(SessionValueTypeCode code) =>
        code is > SessionValueTypeCode.Unknown and <= SessionValueTypeCode.Null ? code.ToString() : "Null";

    /// <summary>A decoded value in the vectors' value conventions; <paramref name="display"/> is the human-readable form, if any.</summary>
    public static JsonNode? ValueToJson(object? value, out string? display)
    {
        display = null;
        var invariant = CultureInfo.InvariantCulture;
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case int or byte or sbyte or short or ushort or uint:
                return JsonValue.Create(Convert.ToInt64(value, invariant));
            case bool b:
                return b;
            case DateTime d:
                display = d.ToString("o", invariant);
                return d.Ticks.ToString(invariant);
            case decimal m:
                return m.ToString(invariant);
            case char c:
                display = $"U+{(int)c:X4}";
                return (int)c;
            case float f:
                return FloatToJson(BitConverter.SingleToUInt32Bits(f).ToString("X8", invariant), f, float.IsNaN(f), float.IsNegative(f), f.ToString("R", invariant));
            case double d:
                return FloatToJson(BitConverter.DoubleToUInt64Bits(d).ToString("X16", invariant), d, double.IsNaN(d), double.IsNegative(d), d.ToString("R", invariant));
            case long or ulong:
                return Convert.ToString(value, invariant);
            case TimeSpan t:
                display = t.ToString("c", invariant);
                return t.Ticks.ToString(invariant);
            case Guid g:
                return g.ToString("D");
            case nint p:
                return ((long)p).ToString(invariant);
            case nuint p:
                return ((ulong)p).ToString(invariant);
            case SerializedObject o:
                return ObjectToJson(o);
            case LegacyObject or System.Collections.IEnumerable when value is not string:
                return DataToJson(value, new LegacyTypeMap(), 0);
            default:
                return value.ToString();
        }
    }

    private static JsonObject FloatToJson(string bitsHex, double value, bool isNaN, bool isNegative, string roundTrip)
    {
        var readable = isNaN ? "NaN"
            : double.IsPositiveInfinity(value) ? "Infinity"
            : double.IsNegativeInfinity(value) ? "-Infinity"
            : value == 0 && isNegative ? "-0"
            : roundTrip;
        return new JsonObject { ["bitsHex"] = bitsHex, ["readable"] = readable };
    }

    /// <summary>Decodes type-20 values for <see cref="ObjectToJson"/>: built-in shapes only, every other record as a view.</summary>
    private static readonly LegacyValueSerializer s_viewSerializer = new(new LegacyTypeMap());

    /// <summary>
    /// An NRBF value in the vectors' <c>Object</c> convention, <c>{ clrType, assembly, data }</c>, read safely: no type
    /// is loaded. Enums of types the map does not know have a <c>null</c> name (the stream holds only the number).
    /// </summary>
    public static JsonObject ObjectToJson(SerializedObject value, LegacyValueSerializer? serializer = null)
    {
        JsonObject result;
        try
        {
            using var stream = new MemoryStream(value.Payload.ToArray(), writable: false);
            var root = NrbfDecoder.Decode(stream);
            result = new JsonObject
            {
                ["clrType"] = root.TypeName.FullName,
                ["assembly"] = root.TypeName.AssemblyName?.FullName,
            };
        }
        catch (Exception ex) when (ex is System.Runtime.Serialization.SerializationException or NotSupportedException
            or EndOfStreamException or IOException or ArgumentException or OverflowException or System.Text.DecoderFallbackException)
        {
            return new JsonObject { ["clrType"] = null, ["assembly"] = null, ["error"] = "invalid NRBF stream: " + ex.Message };
        }

        serializer ??= s_viewSerializer;
        try
        {
            result["data"] = DataToJson(serializer.Deserialize(value), serializer.Map, 0);
        }
        catch (LegacySessionFormatException ex)
        {
            result["error"] = ex.Message;
        }

        return result;
    }

    /// <summary>A decoded type-20 value (or a part of it) as the vectors' <c>data</c>.</summary>
    public static JsonNode? DataToJson(object? value, LegacyTypeMap map, int depth) =>
        DataToJson(value, map, depth, new HashSet<object>(ReferenceEqualityComparer.Instance));

    /// <summary>As above; an object met again on its own path prints as <c>"(cycle)"</c>.</summary>
    private static JsonNode? DataToJson(object? value, LegacyTypeMap map, int depth, HashSet<object> path)
    {
        if (depth > 64)
        {
            return "(nested too deep)";
        }

        if (value is not null && !value.GetType().IsValueType && value is not string)
        {
            if (!path.Add(value))
            {
                return "(cycle)";
            }

            try
            {
                return ContainerToJson(value, map, depth, path);
            }
            finally
            {
                _ = path.Remove(value);
            }
        }

        return ContainerToJson(value, map, depth, path);
    }

    private static JsonNode? ContainerToJson(object? value, LegacyTypeMap map, int depth, HashSet<object> path)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (value)
        {
            case null:
                return null;
            case DateTime d:
                return new JsonObject { ["ticks"] = d.Ticks.ToString(invariant), ["kind"] = d.Kind.ToString() };
            case DateTimeOffset o:
                return new JsonObject { ["ticks"] = o.Ticks.ToString(invariant), ["offsetMinutes"] = (int)o.Offset.TotalMinutes };
            case Enum e:
                var type = e.GetType();
                return new JsonObject
                {
                    ["enumType"] = type == typeof(SessionBridge.Legacy.Format.SessionStateActions)
                        ? "System.Web.SessionState.SessionStateActions"
                        : map.GetLegacyTypeName(type) ?? type.FullName,
                    ["name"] = Enum.GetName(type, e),
                    ["value"] = JsonValue.Create(Convert.ToInt64(e, invariant)),
                };
            case byte[] bytes:
                return Convert.ToHexString(bytes);
            case string or int or byte or sbyte or short or ushort or uint or bool or decimal or char or float or double or long or ulong or TimeSpan or Guid:
                return ValueToJson(value, out _);
            case LegacyObject view when view.FieldNames is ["value__"]:
                return new JsonObject { ["enumType"] = view.TypeName, ["name"] = null, ["value"] = DataToJson(view["value__"], map, depth + 1, path) };
            case LegacyObject view:
                var fields = new JsonObject();
                foreach (var name in view.FieldNames)
                {
                    fields[name] = DataToJson(view[name], map, depth + 1, path);
                }

                return fields;
            case System.Collections.IDictionary dictionary:
                var pairs = new JsonArray();
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    pairs.Add(new JsonObject { ["key"] = DataToJson(entry.Key, map, depth + 1, path), ["value"] = DataToJson(entry.Value, map, depth + 1, path) });
                }

                return pairs;
            case System.Collections.IEnumerable sequence:
                var array = new JsonArray();
                foreach (var element in sequence)
                {
                    array.Add(DataToJson(element, map, depth + 1, path));
                }

                return array;
            default:
                // A mapped object: its serialized fields, named as declared (the tool's own map renames nothing).
                var members = new JsonObject();
                foreach (var field in value.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public |
                    System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
                {
                    members[field.Name] = DataToJson(field.GetValue(value), map, depth + 1, path);
                }

                return members;
        }
    }

    /// <summary>Builds a session from a JSON object in the vectors' schema.</summary>
    /// <exception cref="FormatException">The JSON does not follow the schema.</exception>
    public static (SessionStateData? Data, SessionStateItemCollection Items, bool Compressed) FromJson(JsonObject json)
    {
        var container = (string?)json["container"] ?? SessionStateContainer;
        var items = new SessionStateItemCollection();
        if (json["items"] is JsonArray array)
        {
            foreach (var node in array)
            {
                if (node is not JsonObject item)
                {
                    throw new FormatException("Each entry of 'items' must be an object with 'key', 'type' and 'value'.");
                }

                var key = (string?)item["key"];
                var type = (string?)item["type"] ?? throw new FormatException($"The item '{key}' has no 'type'.");
                items[key] = ValueFromJson(type, item["value"], (string?)item["valueHex"], key);
            }
        }

        items.Dirty = false;
        var compressed = json["compressed"] is JsonValue c && c.GetValue<bool>();
        switch (container)
        {
            case ItemCollectionContainer:
                return (null, items, false);
            case SessionStateContainer:
                var timeout = json["timeout"] is JsonValue t ? t.GetValue<int>() : 20;
                var staticObjects = json["staticObjects"] is JsonArray { Count: > 0 } statics ? StaticObjectsFromJson(statics) : null;
                return (new SessionStateData(timeout, items, staticObjects), items, compressed);
            default:
                throw new FormatException($"Unknown container '{container}': use '{SessionStateContainer}' or '{ItemCollectionContainer}'.");
        }
    }

    private static SessionStateStaticObjects StaticObjectsFromJson(JsonArray statics)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(statics.Count);
            foreach (var element in statics)
            {
                var node = element as JsonObject ?? throw new FormatException("Each static object must be a JSON object.");
                var name = (string?)node["name"] ?? throw new FormatException("A static object has no 'name'.");
                var hasInstance = node["hasInstance"] is JsonValue h && h.GetValue<bool>();
                writer.Write(name);
                writer.Write(hasInstance);
                if (hasInstance)
                {
                    var hex = (string?)node["instance"]?["valueHex"]
                        ?? throw new FormatException($"The static object '{name}' has an instance but no 'instance.valueHex'.");
                    writer.Write(Convert.FromHexString(hex));
                }
                else
                {
                    writer.Write((string?)node["typeName"] ?? throw new FormatException($"The static object '{name}' has no 'typeName'."));
                    writer.Write(node["lateBound"] is JsonValue l && l.GetValue<bool>());
                }
            }
        }

        return SessionStateStaticObjects.Read(buffer.ToArray());
    }

    /// <summary>A value from its vector form.</summary>
    public static object? ValueFromJson(string type, JsonNode? value, string? valueHex, string? key)
    {
        var invariant = CultureInfo.InvariantCulture;
        try
        {
            return type switch
            {
                "Null" => null,
                "String" => (string?)value ?? throw new FormatException("a String value must be a JSON string"),
                "Int32" => value!.GetValue<int>(),
                "Boolean" => value!.GetValue<bool>(),
                "DateTime" => new DateTime(long.Parse((string)value!, invariant)),
                "Decimal" => decimal.Parse((string)value!, NumberStyles.Number | NumberStyles.AllowExponent, invariant),
                "Byte" => value!.GetValue<byte>(),
                "Char" => (char)value!.GetValue<int>(),
                "Single" => BitConverter.UInt32BitsToSingle(uint.Parse((string)value!["bitsHex"]!, NumberStyles.HexNumber, invariant)),
                "Double" => BitConverter.UInt64BitsToDouble(ulong.Parse((string)value!["bitsHex"]!, NumberStyles.HexNumber, invariant)),
                "SByte" => value!.GetValue<sbyte>(),
                "Int16" => value!.GetValue<short>(),
                "Int64" => long.Parse((string)value!, invariant),
                "UInt16" => value!.GetValue<ushort>(),
                "UInt32" => value!.GetValue<uint>(),
                "UInt64" => ulong.Parse((string)value!, invariant),
                "TimeSpan" => new TimeSpan(long.Parse((string)value!, invariant)),
                "Guid" => Guid.Parse((string)value!),
                "IntPtr" => (nint)long.Parse((string)value!, invariant),
                "UIntPtr" => (nuint)ulong.Parse((string)value!, invariant),
                "Object" => ObjectFromHex(valueHex),
                _ => throw new FormatException($"unknown type '{type}'"),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or OverflowException or ArgumentException
            or FormatException or System.Text.Json.JsonException)
        {
            throw new FormatException($"The value of item '{key}' is not a valid {type} in the vectors' convention: {ex.Message}", ex);
        }
    }

    private static SerializedObject ObjectFromHex(string? valueHex)
    {
        if (string.IsNullOrEmpty(valueHex))
        {
            throw new FormatException("an Object item needs 'valueHex' (type byte 14 followed by the NRBF stream)");
        }

        var bytes = Convert.FromHexString(valueHex);
        return bytes.Length < 2 || bytes[0] != (byte)SessionValueTypeCode.Object
            ? throw new FormatException("an Object item's 'valueHex' must start with the type byte 14 and hold an NRBF stream")
            : new SerializedObject(bytes.AsMemory(1));
    }
}
