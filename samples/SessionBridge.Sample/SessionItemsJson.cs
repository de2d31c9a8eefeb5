using System.Buffers;
using System.Formats.Nrbf;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Format.Values;

namespace SessionBridge.Sample;

/// <summary>
/// The session's items as JSON in the <c>items</c> schema of the shared test vectors: key, type, typeCode, value
/// (in the vectors' value conventions), display, valueHex (the value's bytes in the legacy format).
/// </summary>
internal static class SessionItemsJson
{
    public static string Write(ILegacySessionState session, LegacyValueSerializer serializer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("timeout", session.Timeout);
            json.WriteBoolean("isNewSession", session.IsNewSession);
            json.WriteStartArray("items");
            for (var i = 0; i < session.Count; i++)
            {
                // Objects of mapped types (and read-only views of unmapped ones) are shown as the NRBF stream they are saved as.
                var value = session[i];
                if (value is not null and not SerializedObject && !IsPrimitive(value))
                {
                    value = serializer.Serialize(value);
                }

                WriteItem(json, session.Keys[i], value);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteItem(Utf8JsonWriter json, string? key, object? value)
    {
        var invariant = CultureInfo.InvariantCulture;
        var encoded = Encode(value);
        var code = (SessionValueTypeCode)encoded[0];
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteString("type", code.ToString());
        json.WriteNumber("typeCode", (int)code);
        json.WritePropertyName("value");
        string? display = null;
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case int or byte or sbyte or short or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, invariant));
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case DateTime d:
                json.WriteStringValue(d.Ticks.ToString(invariant));
                display = d.ToString("o", invariant);
                break;
            case decimal m:
                json.WriteStringValue(m.ToString(invariant));
                break;
            case char c:
                json.WriteNumberValue(c);
                display = $"U+{(int)c:X4}";
                break;
            case float f:
                WriteFloat(json, BitConverter.SingleToUInt32Bits(f).ToString("X8", invariant), float.IsNaN(f), float.IsNegative(f), float.IsInfinity(f), f == 0, f.ToString("R", invariant));
                break;
            case double d:
                WriteFloat(json, BitConverter.DoubleToUInt64Bits(d).ToString("X16", invariant), double.IsNaN(d), double.IsNegative(d), double.IsInfinity(d), d == 0, d.ToString("R", invariant));
                break;
            case long or ulong or nint or nuint:
                json.WriteStringValue(Convert.ToString(value, invariant));
                break;
            case TimeSpan t:
                json.WriteStringValue(t.Ticks.ToString(invariant));
                display = t.ToString("c", invariant);
                break;
            case Guid g:
                json.WriteStringValue(g.ToString("D"));
                break;
            case SerializedObject o:
                WriteObject(json, o);
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, invariant));
                break;
        }

        if (display is not null)
        {
            json.WriteString("display", display);
        }

        json.WriteString("valueHex", Convert.ToHexString(encoded));
        json.WriteEndObject();
    }

    private static bool IsPrimitive(object value) => value is string or int or bool or DateTime or decimal or byte
        or char or float or double or sbyte or short or long or ushort or uint or ulong or TimeSpan or Guid or nint or nuint;

    private static void WriteFloat(Utf8JsonWriter json, string bitsHex, bool isNaN, bool isNegative, bool isInfinity, bool isZero, string roundTrip)
    {
        json.WriteStartObject();
        json.WriteString("bitsHex", bitsHex);
        json.WriteString("readable", isNaN ? "NaN" : isInfinity ? (isNegative ? "-Infinity" : "Infinity") : isZero && isNegative ? "-0" : roundTrip);
        json.WriteEndObject();
    }

    // The sample names the root type of an object value; decoding its fields is the type map's job.
    private static void WriteObject(Utf8JsonWriter json, SerializedObject value)
    {
        json.WriteStartObject();
        try
        {
            var root = NrbfDecoder.Decode(new MemoryStream(value.Payload.ToArray()), out _, leaveOpen: false);
            json.WriteString("clrType", root.TypeName.FullName);
            json.WriteString("assembly", root.TypeName.AssemblyName?.FullName);
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or DecoderFallbackException or EndOfStreamException)
        {
            json.WriteString("error", "The NRBF stream could not be read: " + ex.Message);
        }

        json.WriteNull("data");
        json.WriteEndObject();
    }

    // One value in the legacy format: store it under the null key of a fresh collection and cut it out of the bytes
    // (count, null-key index, one end offset, then the value: 12 bytes before it).
    private static byte[] Encode(object? value)
    {
        var items = new SessionStateItemCollection { [null] = value };
        return SessionStateSerializer.SerializeItems(items)[12..];
    }
}
