using System.Buffers.Binary;
using System.Formats.Nrbf;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text;

namespace SessionBridge.Redis;

/// <summary>
/// How the Redis provider 2.x–4.x stores a null item: its serializer replaces <see langword="null"/> with a
/// <c>new Microsoft.Web.Redis.RedisNull()</c> and runs BinaryFormatter on that, and turns the object back into
/// <see langword="null"/> when reading (<c>src/Shared/RedisNull.cs</c>, <c>BinarySerializer.cs</c> /
/// <c>RedisUtility.GetBytesFromObject</c> of Azure/aspnet-redis-providers; ../shared/spec/redis-provider-layout.md §1.3).
/// </summary>
/// <remarks>
/// <para>
/// <c>RedisNull</c> is an <c>ISerializable</c> class that adds no value, so the stream is one class record with no
/// members in the provider's library:
/// </para>
/// <code>
/// SerializationHeader          00, rootId 1, headerId -1, version 1.0
/// BinaryLibrary                0C, id 2, "Microsoft.Web.RedisSessionStateProvider, Version=a.b.c.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35"
/// ClassWithMembersAndTypes     05, object id 1, "Microsoft.Web.Redis.RedisNull", 0 members, library 2
/// MessageEnd                   0B
/// </code>
/// <para>
/// The library name carries the provider's assembly version (3.0.1.0 for 3.0.1, 4.0.1.0 for 4.0.1, each release its
/// own). BinaryFormatter's default assembly style (<c>FormatterAssemblyStyle.Simple</c>) loads the type whatever
/// version the stream names, so any version reads back as null on the legacy side; a marker read from the session is
/// written back with its own bytes.
/// </para>
/// </remarks>
internal static class RedisNullMarker
{
    /// <summary>The provider's type name of the marker.</summary>
    public const string TypeName = "Microsoft.Web.Redis.RedisNull";

    private static ReadOnlySpan<byte> TypeNameUtf8 => "Microsoft.Web.Redis.RedisNull"u8;

    /// <summary>The marker as BinaryFormatter writes it for the provider of the given assembly version.</summary>
    public static byte[] Create(Version providerVersion)
    {
        ArgumentNullException.ThrowIfNull(providerVersion);
        var library = string.Create(CultureInfo.InvariantCulture,
            $"Microsoft.Web.RedisSessionStateProvider, Version={providerVersion.Major}.{Math.Max(0, providerVersion.Minor)}.{Math.Max(0, providerVersion.Build)}.{Math.Max(0, providerVersion.Revision)}, Culture=neutral, PublicKeyToken=31bf3856ad364e35");
        var bytes = new List<byte>(160) { 0x00 };
        AddInt32(bytes, 1);
        AddInt32(bytes, -1);
        AddInt32(bytes, 1);
        AddInt32(bytes, 0);
        bytes.Add(0x0C); // BinaryLibrary
        AddInt32(bytes, 2);
        NrbfPrimitiveStream.AddString(bytes, library);
        bytes.Add(0x05); // ClassWithMembersAndTypes
        AddInt32(bytes, 1);
        NrbfPrimitiveStream.AddString(bytes, TypeName);
        AddInt32(bytes, 0); // no members
        AddInt32(bytes, 2); // library id
        bytes.Add(0x0B); // MessageEnd
        return [.. bytes];
    }

    /// <summary>
    /// Whether a stored field is the provider's null marker: a stream whose root is a class record named
    /// <c>Microsoft.Web.Redis.RedisNull</c> with no members (any library version). Loads no type.
    /// </summary>
    public static bool IsMarker(ReadOnlySpan<byte> stream)
    {
        if (stream.Length > 1024 || stream.IndexOf(TypeNameUtf8) < 0)
        {
            return false;
        }

        try
        {
            using var memory = new MemoryStream(stream.ToArray(), writable: false);
            return NrbfDecoder.Decode(memory, leaveOpen: false) is ClassRecord { TypeName.FullName: TypeName } record
                && !record.MemberNames.Any();
        }
        catch (Exception ex) when (ex is SerializationException or NotSupportedException or DecoderFallbackException or EndOfStreamException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static void AddInt32(List<byte> buffer, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        buffer.AddRange(bytes);
    }
}
