using System.Formats.Nrbf;
using System.Runtime.Serialization;
using System.Text;

namespace SessionBridge.Legacy.Format;

/// <summary>
/// The session-scoped static objects section of a session blob (<c>&lt;object runat="server" scope="session"&gt;</c>
/// in global.asax; reference source <c>System.Web/httpstaticobjectscollection.cs</c>). SessionBridge does not
/// interpret these objects: it parses the section to find where it ends and writes it back exactly as it was.
/// </summary>
/// <remarks>
/// Layout (../spec/legacy-session-format.md §1.6): Int32 count; per entry a string name and a Boolean hasInstance,
/// then either one session value (type byte and payload) or the type's full name and a Boolean lateBound.
/// </remarks>
public sealed class SessionStateStaticObjects
{
    private SessionStateStaticObjects(ReadOnlyMemory<byte> rawBytes, IReadOnlyList<StaticObjectEntry> entries)
    {
        RawBytes = rawBytes;
        Entries = entries;
    }

    /// <summary>The section's bytes exactly as stored; they are written back unchanged.</summary>
    public ReadOnlyMemory<byte> RawBytes { get; }

    /// <summary>The entries, in stored order (System.Web writes them in <c>Hashtable</c> order).</summary>
    public IReadOnlyList<StaticObjectEntry> Entries { get; }

    /// <summary>Reads a static objects section on its own (as it appears in a blob after the items).</summary>
    /// <exception cref="LegacySessionFormatException">The bytes are not a valid static objects section.</exception>
    public static SessionStateStaticObjects Read(ReadOnlyMemory<byte> section)
    {
        var reader = new BlobReader(section.Span, "static objects section");
        var result = Read(ref reader, section);
        return reader.Remaining == 0
            ? result
            : throw reader.Fail(reader.Position, $"{reader.Remaining} bytes follow the last entry.");
    }

    internal static SessionStateStaticObjects Read(ref BlobReader reader, ReadOnlyMemory<byte> source)
    {
        var start = reader.Position;
        var count = reader.ReadInt32();
        if (count > reader.Remaining / 2)
        {
            throw reader.Fail(start, $"the static objects section claims {count} entries, more than the {reader.Remaining} remaining bytes can hold.");
        }

        var entries = new List<StaticObjectEntry>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString("a static object's name");
            if (reader.ReadBoolean())
            {
                var valueStart = reader.Position;
                var code = (SessionValueTypeCode)reader.ReadByte();
                SkipPayload(ref reader, code, source[reader.Position..]);
                entries.Add(new StaticObjectEntry(name, code, source.Slice(valueStart, reader.Position - valueStart)));
            }
            else
            {
                var typeName = reader.ReadString("a static object's type name");
                entries.Add(new StaticObjectEntry(name, typeName, reader.ReadBoolean()));
            }
        }

        return new SessionStateStaticObjects(source.Slice(start, reader.Position - start), entries);
    }

    private static void SkipPayload(ref BlobReader reader, SessionValueTypeCode code, ReadOnlyMemory<byte> rest)
    {
        var size = code switch
        {
            SessionValueTypeCode.Boolean or SessionValueTypeCode.Byte or SessionValueTypeCode.SByte => 1,
            SessionValueTypeCode.Int16 or SessionValueTypeCode.UInt16 => 2,
            SessionValueTypeCode.Int32 or SessionValueTypeCode.UInt32 or SessionValueTypeCode.Single => 4,
            SessionValueTypeCode.DateTime or SessionValueTypeCode.Double or SessionValueTypeCode.Int64
                or SessionValueTypeCode.UInt64 or SessionValueTypeCode.TimeSpan
                or SessionValueTypeCode.IntPtr or SessionValueTypeCode.UIntPtr => 8,
            SessionValueTypeCode.Decimal or SessionValueTypeCode.Guid => 16,
            SessionValueTypeCode.String => -1,
            SessionValueTypeCode.Char => -2,
            SessionValueTypeCode.Object => GetNrbfLength(rest),
            _ => 0, // Null, and unknown bytes: System.Web reads nothing more.
        };

        switch (size)
        {
            case -1:
                _ = reader.ReadString("a static object's string value");
                break;
            case -2:
                var lead = reader.ReadByte();
                _ = reader.ReadBytes(lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0, "a static object's char value");
                break;
            default:
                _ = reader.ReadBytes(size, $"a static object's {code} value");
                break;
        }
    }

    /// <summary>
    /// The length of the NRBF stream at the start of <paramref name="rest"/>: it has no length prefix, so it is parsed
    /// (safely, with System.Formats.Nrbf, which loads no type) up to its MessageEnd record.
    /// </summary>
    private static int GetNrbfLength(ReadOnlyMemory<byte> rest)
    {
        using var stream = new ReadOnlyMemoryStream(rest);
        try
        {
            _ = NrbfDecoder.Decode(stream, leaveOpen: true);
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or EndOfStreamException
            or DecoderFallbackException or IOException or ArgumentException or OverflowException)
        {
            throw new LegacySessionFormatException("A static object's BinaryFormatter stream is invalid: " + ex.Message, ex);
        }

        return (int)stream.Position;
    }
}
