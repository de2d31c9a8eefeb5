using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// Reads the [MS-NRBF] stream of a .NET Remoting method call or return (../spec/mono-legacy.md §1, [MS-NRBF] §2.2.3)
/// by hand, into plain data: strings, primitives, <c>byte[]</c>, <c>object?[]</c> and <see cref="NrbfClassValue"/>.
/// No type named in the stream is ever resolved or loaded; a record kind the state server protocol never uses is
/// refused.
/// </summary>
/// <remarks>
/// <code>
/// SerializationHeader   0  rootId:i32 headerId:i32 major:i32=1 minor:i32=0
/// BinaryMethodCall     21  flags:i32  0x12 methodName:LPS  0x12 typeName:LPS  [0x12 callContext:LPS]
///                          [args: count:i32 { ValueWithCode }]              (ArgsInline)
/// BinaryMethodReturn   22  flags:i32  [ValueWithCode returnValue] [0x12 callContext:LPS] [args inline]
/// then, when any *InArray / ArgsIsArray flag is set, the call array and the records it references:
///   ArraySingleObject 16, ArraySinglePrimitive 15, ArraySingleString 17, BinaryObjectString 6,
///   MemberPrimitiveTyped 8, MemberReference 9, ObjectNull 10, ObjectNullMultiple256 13, ObjectNullMultiple 14,
///   BinaryLibrary 12, ClassWithId 1, SystemClassWithMembers 2, ClassWithMembers 3,
///   SystemClassWithMembersAndTypes 4, ClassWithMembersAndTypes 5
/// MessageEnd           11
/// </code>
/// Call array order, as Mono writes and reads it: a call holds [args][signature][call context][properties]; a return
/// holds [out args][return value][call context][properties], or only [exception].
/// </remarks>
internal sealed class NrbfMessageReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly byte[] _data;
    private readonly RemotingLimits _limits;
    private readonly Dictionary<int, object> _objects = [];
    private readonly Dictionary<int, string> _libraries = [];
    private readonly Dictionary<int, ClassMetadata> _metadata = [];
    private readonly List<object> _containers = [];
    private int _position;
    private int _records;

    private NrbfMessageReader(byte[] data, RemotingLimits limits)
    {
        _data = data;
        _limits = limits;
    }

    /// <exception cref="RemotingProtocolException">The stream is malformed, uses a record the protocol does not, or exceeds a limit.</exception>
    public static RemotingMessage Read(byte[] body, RemotingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return new NrbfMessageReader(body, limits).ReadMessage();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or DecoderFallbackException)
        {
            throw new RemotingProtocolException("The method message holds an invalid value: " + ex.Message, ex);
        }
    }

    private RemotingMessage ReadMessage()
    {
        if (ReadByte() != 0)
        {
            throw Error("The method message does not start with a SerializationHeader record.");
        }

        var rootId = ReadInt32();
        _ = ReadInt32();
        var major = ReadInt32();
        var minor = ReadInt32();
        if (major != 1 || minor != 0)
        {
            throw Error($"Unsupported NRBF version {major}.{minor}.");
        }

        var kind = ReadByte();
        if (kind is not (21 or 22))
        {
            throw Error($"Expected a BinaryMethodCall (21) or BinaryMethodReturn (22) record, found record type {kind}.");
        }

        var isReturn = kind == 22;
        var flags = (NrbfMessageFlags)ReadInt32();
        if ((flags & ~NrbfMessageFlags.Known) != 0 || (flags & NrbfMessageFlags.GenericMethod) != 0)
        {
            throw Error($"Unsupported message flags 0x{(int)flags:x}.");
        }

        if (BitCount(flags & NrbfMessageFlags.ArgsMask) > 1 || BitCount(flags & NrbfMessageFlags.ContextMask) > 1 || BitCount(flags & NrbfMessageFlags.ReturnMask) > 1)
        {
            throw Error($"Contradictory message flags 0x{(int)flags:x}.");
        }

        if (!isReturn && (flags & NrbfMessageFlags.ReturnMask) != 0)
        {
            throw Error("A method call carries return-value flags.");
        }

        string? methodName = null;
        string? typeName = null;
        object? returnValue = null;
        if (!isReturn)
        {
            methodName = ReadStringWithCode("method name");
            typeName = ReadStringWithCode("type name");
        }
        else if ((flags & NrbfMessageFlags.ReturnValueInline) != 0)
        {
            returnValue = ReadValueWithCode();
        }

        if ((flags & NrbfMessageFlags.ContextInline) != 0)
        {
            _ = ReadStringWithCode("call context");
        }

        object?[] args = [];
        if ((flags & NrbfMessageFlags.ArgsInline) != 0)
        {
            var count = ReadCount(_limits.MaxArguments, "inline arguments");
            args = new object?[count];
            for (var i = 0; i < count; i++)
            {
                args[i] = ReadValueWithCode();
            }
        }

        var needsArray = (flags & (NrbfMessageFlags.ArgsIsArray | NrbfMessageFlags.ArgsInArray | NrbfMessageFlags.ContextInArray
            | NrbfMessageFlags.MethodSignatureInArray | NrbfMessageFlags.PropertiesInArray | NrbfMessageFlags.ReturnValueInArray
            | NrbfMessageFlags.ExceptionInArray)) != 0;
        NrbfClassValue? exception = null;
        if (needsArray)
        {
            while (true)
            {
                var record = ReadByte();
                if (record == 11)
                {
                    break;
                }

                _ = ReadRecord(record, 0, inArray: false);
            }

            Resolve();
            if (!_objects.TryGetValue(rootId, out var root) || root is not object?[] callArray)
            {
                throw Error($"The header's root object {rootId} is not an object array (the call array).");
            }

            var next = 0;
            object? Part(string what) =>
                next < callArray.Length ? callArray[next++] : throw Error($"The call array has no {what}.");

            if ((flags & NrbfMessageFlags.ArgsIsArray) != 0)
            {
                args = callArray;
            }
            else if ((flags & NrbfMessageFlags.ExceptionInArray) != 0)
            {
                exception = Part("exception") as NrbfClassValue ?? throw Error("The returned exception is not a class record.");
            }
            else
            {
                if ((flags & NrbfMessageFlags.ArgsInArray) != 0)
                {
                    args = Part("arguments") as object?[] ?? throw Error("The arguments in the call array are not an object array.");
                }

                if ((flags & NrbfMessageFlags.ReturnValueInArray) != 0)
                {
                    returnValue = Part("return value");
                }

                if ((flags & NrbfMessageFlags.MethodSignatureInArray) != 0)
                {
                    _ = Part("method signature");
                }

                if ((flags & NrbfMessageFlags.ContextInArray) != 0)
                {
                    _ = Part("call context");
                }
            }

            if (args.Length > _limits.MaxArguments)
            {
                throw Error($"More than {_limits.MaxArguments} arguments.");
            }
        }
        else if (ReadByte() != 11)
        {
            throw Error("The method message does not end with a MessageEnd record.");
        }

        if (_position != _data.Length)
        {
            throw Error($"{_data.Length - _position} bytes follow the MessageEnd record.");
        }

        return new RemotingMessage
        {
            IsReturn = isReturn,
            Flags = (int)flags,
            MethodName = methodName,
            TypeName = typeName,
            Args = args,
            ReturnValue = returnValue,
            Exception = exception,
        };
    }

    private static int BitCount(NrbfMessageFlags flags) => System.Numerics.BitOperations.PopCount((uint)flags);

    private object? ReadRecord(byte record, int depth, bool inArray)
    {
        if (++_records > _limits.MaxRecords)
        {
            throw Error($"More than {_limits.MaxRecords} records in one method message.");
        }

        if (depth > _limits.MaxDepth)
        {
            throw Error($"Records nest deeper than {_limits.MaxDepth}.");
        }

        switch (record)
        {
            case 6:
                {
                    var id = ReadInt32();
                    var text = ReadLengthPrefixedString();
                    Register(id, text);
                    return text;
                }

            case 8:
                return ReadPrimitive(ReadByte());
            case 9:
                return new NrbfReference(ReadInt32());
            case 10:
                return null;
            case 13 when inArray:
                return new NrbfNullRun(ReadByte());
            case 14 when inArray:
                return new NrbfNullRun(ReadCount(int.MaxValue, "null run"));
            case 12:
                {
                    var id = ReadInt32();
                    var name = ReadLengthPrefixedString();
                    if (!_libraries.TryAdd(id, name))
                    {
                        throw Error($"Library id {id} is defined twice.");
                    }

                    // A library record precedes the record that uses it: read that one as this value.
                    return ReadRecord(ReadByte(), depth, inArray);
                }

            case 1:
                {
                    var id = ReadInt32();
                    var metadataId = ReadInt32();
                    if (!_metadata.TryGetValue(metadataId, out var metadata))
                    {
                        throw Error($"ClassWithId {id} names class metadata {metadataId}, which was not defined before.");
                    }

                    return ReadClassValues(id, metadata, depth);
                }

            case 2 or 3 or 4 or 5:
                {
                    var id = ReadInt32();
                    var name = ReadLengthPrefixedString();
                    var count = ReadCount(_limits.MaxMembers, "class members");
                    var names = new string[count];
                    for (var i = 0; i < count; i++)
                    {
                        names[i] = ReadLengthPrefixedString();
                    }

                    byte[]? types = null;
                    var infos = new object?[count];
                    if (record is 4 or 5)
                    {
                        types = ReadBytes(count).ToArray();
                        for (var i = 0; i < count; i++)
                        {
                            infos[i] = types[i] switch
                            {
                                0 or 7 => CheckPrimitiveType(ReadByte()),
                                1 or 2 or 5 or 6 => null,
                                3 => ReadLengthPrefixedString(),
                                4 => (ReadLengthPrefixedString(), ReadInt32()),
                                _ => throw Error($"Unknown BinaryTypeEnumeration {types[i]} in class '{name}'."),
                            };
                        }
                    }

                    string? library = null;
                    if (record is 3 or 5)
                    {
                        var libraryId = ReadInt32();
                        if (!_libraries.TryGetValue(libraryId, out library))
                        {
                            throw Error($"Class '{name}' names library {libraryId}, which was not defined before.");
                        }
                    }

                    var metadata = new ClassMetadata(name, library, names, types, infos);
                    if (!_metadata.TryAdd(id, metadata))
                    {
                        throw Error($"Object id {id} is defined twice.");
                    }

                    return ReadClassValues(id, metadata, depth);
                }

            case 15:
                {
                    var id = ReadInt32();
                    var length = ReadInt32();
                    var type = CheckPrimitiveType(ReadByte());
                    if (type != 2)
                    {
                        throw Error($"Only byte arrays are used by the state server protocol, not primitive arrays of type {type}.");
                    }

                    if (length < 0 || length > _data.Length - _position)
                    {
                        throw Error($"A byte array of {length} bytes is longer than the rest of the message.");
                    }

                    var bytes = ReadBytes(length).ToArray();
                    Register(id, bytes);
                    return bytes;
                }

            case 16 or 17:
                {
                    var id = ReadInt32();
                    var length = ReadCount(_limits.MaxArguments, "array elements");
                    var array = new object?[length];
                    Register(id, array);
                    _containers.Add(array);
                    for (var i = 0; i < length;)
                    {
                        var element = ReadRecord(ReadByte(), depth + 1, inArray: true);
                        if (element is NrbfNullRun run)
                        {
                            if (run.Count < 1 || run.Count > length - i)
                            {
                                throw Error($"A run of {run.Count} nulls does not fit the array's {length - i} remaining elements.");
                            }

                            i += run.Count;
                            continue;
                        }

                        if (record == 17 && element is not (string or null or NrbfReference))
                        {
                            throw Error("A string array holds something other than strings.");
                        }

                        array[i++] = element;
                    }

                    return array;
                }

            default:
                throw Error($"Record type {record} is not used by the state server protocol.");
        }
    }

    private NrbfClassValue ReadClassValues(int id, ClassMetadata metadata, int depth)
    {
        var values = new object?[metadata.Names.Length];
        var value = new NrbfClassValue(metadata.Name, metadata.Library, metadata.Names, values);

        // Value types written inline carry negative ids (Mono, Microsoft); only positive ids can be referenced.
        if (id > 0)
        {
            Register(id, value);
        }
        else if (id == 0)
        {
            throw Error($"Class '{metadata.Name}' has object id 0.");
        }

        _containers.Add(value);
        for (var i = 0; i < values.Length; i++)
        {
            if (metadata.Types is { } types && types[i] == 0)
            {
                values[i] = ReadPrimitive((byte)metadata.Infos[i]!);
            }
            else
            {
                var member = ReadRecord(ReadByte(), depth + 1, inArray: false);
                values[i] = member;
            }
        }

        return value;
    }

    private void Register(int id, object value)
    {
        if (id == 0 || !_objects.TryAdd(id, value))
        {
            throw Error($"Object id {id} is zero or defined twice.");
        }
    }

    private void Resolve()
    {
        foreach (var container in _containers)
        {
            var slots = container is object?[] array ? array : ((NrbfClassValue)container).Values;
            for (var i = 0; i < slots.Length; i++)
            {
                if (slots[i] is NrbfReference reference)
                {
                    slots[i] = _objects.TryGetValue(reference.Id, out var target)
                        ? target
                        : throw Error($"A MemberReference names object {reference.Id}, which the message does not define.");
                }
            }
        }
    }

    private string ReadStringWithCode(string what)
    {
        if (ReadByte() != 18)
        {
            throw Error($"The {what} is not a string value.");
        }

        return ReadLengthPrefixedString();
    }

    private object? ReadValueWithCode()
    {
        var type = ReadByte();
        return type switch
        {
            17 => null,
            18 => ReadLengthPrefixedString(),
            _ => ReadPrimitive(type),
        };
    }

    private byte CheckPrimitiveType(byte type) =>
        type is >= 1 and <= 16 and not 4 || type == 18 ? type : throw Error($"Unknown primitive type {type}.");

    private object ReadPrimitive(byte type)
    {
        switch (type)
        {
            case 1:
                return ReadByte() switch
                {
                    0 => false,
                    1 => true,
                    var b => throw Error($"A Boolean holds {b}."),
                };
            case 2:
                return ReadByte();
            case 3:
                {
                    var first = _position < _data.Length ? _data[_position] : (byte)0;
                    var length = first < 0x80 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4;
                    var text = StrictUtf8.GetString(ReadBytes(length));
                    return text.Length == 1 ? text[0] : throw Error("A Char is not one UTF-16 unit.");
                }

            case 5:
                return decimal.Parse(ReadLengthPrefixedString(), NumberStyles.Number, CultureInfo.InvariantCulture);
            case 6:
                return BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));
            case 7:
                return BinaryPrimitives.ReadInt16LittleEndian(ReadBytes(2));
            case 8:
                return ReadInt32();
            case 9:
                return BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));
            case 10:
                return (sbyte)ReadByte();
            case 11:
                return BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4));
            case 12:
                return new TimeSpan(BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8)));
            case 13:
                {
                    var raw = BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));
                    var ticks = raw & 0x3FFF_FFFF_FFFF_FFFF;
                    if (ticks > DateTime.MaxValue.Ticks)
                    {
                        throw Error("A DateTime is out of range.");
                    }

                    var kind = (raw >> 62) & 3;
                    return kind == 3 ? throw Error("A DateTime has an unknown kind.") : new DateTime(ticks, (DateTimeKind)kind);
                }

            case 14:
                return BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));
            case 15:
                return BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));
            case 16:
                return BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
            case 18:
                return ReadLengthPrefixedString();
            default:
                throw Error($"Unknown primitive type {type}.");
        }
    }

    private string ReadLengthPrefixedString()
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
            {
                throw Error("A string length prefix is longer than 5 bytes.");
            }

            var b = ReadByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (length < 0 || length > _limits.MaxStringBytes)
        {
            throw Error($"A string of {length} bytes is outside 0..{_limits.MaxStringBytes}.");
        }

        return StrictUtf8.GetString(ReadBytes(length));
    }

    private int ReadCount(int max, string what)
    {
        var count = ReadInt32();
        if (count < 0 || count > max)
        {
            throw Error($"{count} {what} is outside 0..{max}.");
        }

        return count;
    }

    private byte ReadByte() =>
        _position < _data.Length ? _data[_position++] : throw Error("The method message ends early.");

    private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw Error("The method message ends early.");
        }

        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private RemotingProtocolException Error(string message) => new(message + $" (at byte {_position} of the method message)");

    private sealed record ClassMetadata(string Name, string? Library, string[] Names, byte[]? Types, object?[] Infos);
}
