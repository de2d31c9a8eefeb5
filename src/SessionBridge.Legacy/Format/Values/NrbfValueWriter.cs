using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace SessionBridge.Legacy.Format.Values;

/// <summary>
/// Writes an object as the [MS-NRBF] stream .NET Framework 4.8's BinaryFormatter writes for it
/// (../spec/legacy-session-format.md §1.5, type code 20), record by record in BinaryFormatter's order.
/// </summary>
/// <remarks>
/// <code>
/// SerializationHeader   00, rootId 1, headerId -1, version 1.0
/// records               the root, then every referenced object in the order first met (breadth first);
///                       a BinaryLibrary (0C) before the first record that needs it; a class whose layout was
///                       written before is a ClassWithId (01); value types are written inline with negative ids;
///                       strings inline (06) the first time, by reference (09) after; runs of nulls in arrays as
///                       ObjectNull (0A), ObjectNullMultiple256 (0D) or ObjectNullMultiple (0E)
/// MessageEnd            0B
/// </code>
/// Ids come from one counter shared by objects, libraries and value types, as BinaryFormatter's do.
/// </remarks>
internal sealed class NrbfValueWriter
{
    private readonly ClassShapes _shapes;
    private readonly ArrayBufferWriter<byte> _out;
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<(object Value, int Id)> _queue = new();
    private readonly Dictionary<string, int> _libraries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Id, ClassShape Shape)> _layouts = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public NrbfValueWriter(ClassShapes shapes, ArrayBufferWriter<byte> output)
    {
        _shapes = shapes;
        _out = output;
    }

    public ReadOnlySpan<byte> WrittenSpan => _out.WrittenSpan;

    public void WriteRoot(object value)
    {
        var header = _out.GetSpan(17);
        header[0] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(header[5..], -1);
        BinaryPrimitives.WriteInt32LittleEndian(header[9..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(header[13..], 0);
        _out.Advance(17);

        var rootId = _nextId++;
        if (!value.GetType().IsValueType)
        {
            _ids[value] = rootId;
        }

        _queue.Enqueue((value, rootId));
        while (_queue.TryDequeue(out var next))
        {
            if (next.Value is Array array)
            {
                WriteArray(array, next.Id);
            }
            else
            {
                WriteClass(next.Value, next.Id);
            }
        }

        WriteByte(0x0B);
    }

    private void WriteClass(object value, int id)
    {
        var shape = _shapes.Get(value) ?? throw NotWritable(value);
        var values = shape.GetValues(value);
        if (shape.NullableMembers is { } nullable)
        {
            // A Nullable<T> field holding a value is described by the value's type, as BinaryFormatter does.
            var kinds = (MemberKind[])shape.Kinds.Clone();
            for (var i = 0; i < kinds.Length; i++)
            {
                if (nullable[i] && values[i] is { } present)
                {
                    kinds[i] = MemberKind.ForClass(present.GetType(), _shapes.Map)!;
                }
            }

            shape = new ClassShape(shape.Name, shape.Library, shape.MemberNames, kinds, shape.GetValues);
        }

        if (_layouts.TryGetValue(shape.Name, out var layout) && layout.Shape.SameMembers(shape))
        {
            WriteByte(0x01);
            WriteInt32(id);
            WriteInt32(layout.Id);
        }
        else
        {
            var libraryId = shape.Library is null ? 0 : Library(shape.Library);
            foreach (var kind in shape.Kinds)
            {
                if (kind.BinaryType == MemberKind.Class)
                {
                    _ = Library(kind.Library!);
                }
            }

            _ = _layouts.TryAdd(shape.Name, (id, shape));
            WriteByte(shape.Library is null ? (byte)0x04 : (byte)0x05);
            WriteInt32(id);
            WriteString(shape.Name);
            WriteInt32(shape.MemberNames.Length);
            foreach (var name in shape.MemberNames)
            {
                WriteString(name);
            }

            foreach (var kind in shape.Kinds)
            {
                WriteByte(kind.BinaryType);
            }

            foreach (var kind in shape.Kinds)
            {
                WriteTypeInfo(kind);
            }

            if (shape.Library is not null)
            {
                WriteInt32(libraryId);
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            WriteMember(values[i], shape.Kinds[i], shape.Name, shape.MemberNames[i]);
        }
    }

    private void WriteTypeInfo(MemberKind kind)
    {
        switch (kind.BinaryType)
        {
            case MemberKind.Primitive or MemberKind.PrimitiveArray:
                WriteByte(kind.PrimitiveCode);
                break;
            case MemberKind.SystemClass:
                WriteString(kind.ClassName!);
                break;
            case MemberKind.Class:
                WriteString(kind.ClassName!);
                WriteInt32(_libraries[kind.Library!]);
                break;
        }
    }

    private void WriteMember(object? value, MemberKind kind, string owner, string member)
    {
        if (kind.BinaryType == MemberKind.Primitive)
        {
            WritePrimitive(value ?? throw new NotSupportedException($"The member '{member}' of '{owner}' is a primitive and cannot be null."), kind.PrimitiveCode);
            return;
        }

        if (value is null)
        {
            WriteByte(0x0A);
            return;
        }

        if (value is string s)
        {
            if (_ids.TryGetValue(s, out var existing))
            {
                WriteReference(existing);
                return;
            }

            // Every new string instance takes an id; a value already written is referenced (BinaryFormatter does both).
            var stringId = _nextId++;
            _ids[s] = stringId;
            if (_stringIds.TryGetValue(s, out var sameValue))
            {
                WriteReference(sameValue);
                return;
            }

            _stringIds[s] = stringId;
            WriteByte(0x06);
            WriteInt32(stringId);
            WriteString(s);
            return;
        }

        var type = value.GetType();
        if (type.IsValueType)
        {
            var code = LegacyTypeNames.GetPrimitiveCode(type);
            if (code != 0)
            {
                WriteByte(0x08);
                WriteByte(code);
                WritePrimitive(value, code);
                return;
            }

            if (kind.BinaryType != MemberKind.Object)
            {
                // A struct where its own type is declared is written inline, with a negative id.
                WriteClass(value, -_nextId++);
                return;
            }

            // A boxed struct where object is declared is a record of its own, referenced like an object.
        }

        if (value is LegacyObject view)
        {
            throw new NotSupportedException(
                $"The member '{member}' of '{owner}' holds a read-only view of the legacy type '{view.TypeName}', which cannot be written inside another object; map that type with LegacyTypeMap.Map<T>(\"{view.TypeName}, {view.AssemblyName ?? "mscorlib"}\").");
        }

        if (!_ids.TryGetValue(value, out var id))
        {
            if (value is not Array && _shapes.Get(value) is null)
            {
                throw NotWritable(value, $" (in member '{member}' of '{owner}')");
            }

            id = _nextId++;
            _ids[value] = id;
            _queue.Enqueue((value, id));
        }

        WriteReference(id);
    }

    private void WriteReference(int id)
    {
        WriteByte(0x09);
        WriteInt32(id);
    }

    private void WriteArray(Array array, int id)
    {
        if (array.Rank != 1 || array.GetLowerBound(0) != 0)
        {
            throw new NotSupportedException($"Only single-dimension, zero-based arrays can be written; '{array.GetType()}' is not one.");
        }

        var elementType = array.GetType().GetElementType()!;
        var length = array.Length;
        var code = LegacyTypeNames.GetPrimitiveCode(elementType);
        if (code != 0)
        {
            WriteByte(0x0F);
            WriteInt32(id);
            WriteInt32(length);
            WriteByte(code);
            if (array is byte[] bytes)
            {
                _out.Write(bytes);
                return;
            }

            for (var i = 0; i < length; i++)
            {
                WritePrimitive(array.GetValue(i)!, code);
            }

            return;
        }

        MemberKind elementKind;
        if (elementType == typeof(string))
        {
            WriteByte(0x11);
            WriteInt32(id);
            WriteInt32(length);
            elementKind = MemberKind.StringKind;
        }
        else if (elementType == typeof(object))
        {
            WriteByte(0x10);
            WriteInt32(id);
            WriteInt32(length);
            elementKind = MemberKind.ObjectKind;
        }
        else
        {
            elementKind = MemberKind.For(elementType, _shapes.Map);
            if (elementKind.BinaryType == MemberKind.Class)
            {
                _ = Library(elementKind.Library!);
            }

            WriteByte(0x07);
            WriteInt32(id);
            WriteByte(0); // BinaryArrayType.Single
            WriteInt32(1);
            WriteInt32(length);
            WriteByte(elementKind.BinaryType);
            WriteTypeInfo(elementKind);
        }

        var owner = elementType.Name + "[]";
        var nulls = 0;
        for (var i = 0; i < length; i++)
        {
            var element = array.GetValue(i);
            if (element is null)
            {
                nulls++;
                continue;
            }

            WriteNulls(nulls);
            nulls = 0;
            WriteMember(element, elementKind, owner, $"[{i}]");
        }

        WriteNulls(nulls);
    }

    private void WriteNulls(int count)
    {
        if (count == 1)
        {
            WriteByte(0x0A);
        }
        else if (count > 1 && count < 256)
        {
            WriteByte(0x0D);
            WriteByte((byte)count);
        }
        else if (count >= 256)
        {
            WriteByte(0x0E);
            WriteInt32(count);
        }
    }

    private int Library(string name)
    {
        if (_libraries.TryGetValue(name, out var id))
        {
            return id;
        }

        id = _nextId++;
        _libraries[name] = id;
        WriteByte(0x0C);
        WriteInt32(id);
        WriteString(name);
        return id;
    }

    private void WritePrimitive(object value, byte code)
    {
        var span = _out.GetSpan(16);
        switch (code)
        {
            case 1:
                span[0] = (bool)value ? (byte)1 : (byte)0;
                _out.Advance(1);
                break;
            case 2:
                span[0] = (byte)value;
                _out.Advance(1);
                break;
            case 3:
                _out.Advance(ValueCodec.StrictUtf8.GetBytes([(char)value], span));
                break;
            case 5:
                WriteString(((decimal)value).ToString(CultureInfo.InvariantCulture));
                break;
            case 6:
                BinaryPrimitives.WriteDoubleLittleEndian(span, (double)value);
                _out.Advance(8);
                break;
            case 7:
                BinaryPrimitives.WriteInt16LittleEndian(span, (short)value);
                _out.Advance(2);
                break;
            case 8:
                BinaryPrimitives.WriteInt32LittleEndian(span, (int)value);
                _out.Advance(4);
                break;
            case 9:
                BinaryPrimitives.WriteInt64LittleEndian(span, (long)value);
                _out.Advance(8);
                break;
            case 10:
                span[0] = unchecked((byte)(sbyte)value);
                _out.Advance(1);
                break;
            case 11:
                BinaryPrimitives.WriteSingleLittleEndian(span, (float)value);
                _out.Advance(4);
                break;
            case 12:
                BinaryPrimitives.WriteInt64LittleEndian(span, ((TimeSpan)value).Ticks);
                _out.Advance(8);
                break;
            case 13:
                var date = (DateTime)value;
                var kind = date.Kind switch { DateTimeKind.Utc => 1UL, DateTimeKind.Local => 2UL, _ => 0UL };
                BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)date.Ticks | (kind << 62));
                _out.Advance(8);
                break;
            case 14:
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value);
                _out.Advance(2);
                break;
            case 15:
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value);
                _out.Advance(4);
                break;
            case 16:
                BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)value);
                _out.Advance(8);
                break;
            default:
                throw new InvalidOperationException($"The NRBF primitive type {code} is not written by SessionBridge.");
        }
    }

    private void WriteString(string value)
    {
        var length = ValueCodec.GetStringSize(value);
        _ = ValueCodec.WriteString(value, _out.GetSpan(length));
        _out.Advance(length);
    }

    private void WriteByte(byte value)
    {
        _out.GetSpan(1)[0] = value;
        _out.Advance(1);
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_out.GetSpan(4), value);
        _out.Advance(4);
    }

    private static NotSupportedException NotWritable(object value, string where = "") =>
        new($"A value of type '{value.GetType()}'{where} cannot be written in a form the legacy application reads. " +
            $"Map it with LegacyTypeMap.Map<{value.GetType().Name}>(\"Legacy.Namespace.TypeName, LegacyAssembly\") (or MapEnum for an enum), " +
            "or use a built-in shape: primitives, string, DateTime, decimal, Guid, TimeSpan, DateTimeOffset, arrays, List<T>, Dictionary<TKey,TValue> with the default comparer, Hashtable, ArrayList.");
}
