namespace SessionBridge.Legacy.Format;

/// <summary>
/// The type byte System.Web's <c>AltSerialization</c> writes before each session value
/// (reference source <c>System.Web/Util/altserialization.cs</c>, <c>enum TypeID</c>).
/// </summary>
public enum SessionValueTypeCode : byte
{
    /// <summary>Not a type code System.Web writes; an unknown byte reads as <see langword="null"/>.</summary>
    Unknown = 0,

    /// <summary>A <see cref="string"/>: 7-bit encoded UTF-8 byte length, then the UTF-8 bytes.</summary>
    String = 1,

    /// <summary>An <see cref="int"/>, 4 bytes little-endian.</summary>
    Int32 = 2,

    /// <summary>A <see cref="bool"/>, 1 byte; any non-zero byte reads as true.</summary>
    Boolean = 3,

    /// <summary>A <see cref="System.DateTime"/>: its ticks only, 8 bytes; the kind is lost.</summary>
    DateTime = 4,

    /// <summary>A <see cref="decimal"/>: the four 32-bit parts of <see cref="decimal.GetBits(decimal)"/>.</summary>
    Decimal = 5,

    /// <summary>A <see cref="byte"/>.</summary>
    Byte = 6,

    /// <summary>A <see cref="char"/> as its UTF-8 bytes (1 to 3).</summary>
    Char = 7,

    /// <summary>A <see cref="float"/>, IEEE 754 little-endian.</summary>
    Single = 8,

    /// <summary>A <see cref="double"/>, IEEE 754 little-endian.</summary>
    Double = 9,

    /// <summary>An <see cref="sbyte"/>.</summary>
    SByte = 10,

    /// <summary>A <see cref="short"/>, 2 bytes little-endian.</summary>
    Int16 = 11,

    /// <summary>A <see cref="long"/>, 8 bytes little-endian.</summary>
    Int64 = 12,

    /// <summary>A <see cref="ushort"/>, 2 bytes little-endian.</summary>
    UInt16 = 13,

    /// <summary>A <see cref="uint"/>, 4 bytes little-endian.</summary>
    UInt32 = 14,

    /// <summary>A <see cref="ulong"/>, 8 bytes little-endian.</summary>
    UInt64 = 15,

    /// <summary>A <see cref="System.TimeSpan"/>: its ticks, 8 bytes.</summary>
    TimeSpan = 16,

    /// <summary>A <see cref="System.Guid"/> in <see cref="System.Guid.ToByteArray()"/> order.</summary>
    Guid = 17,

    /// <summary>An <see cref="System.IntPtr"/>, as wide as the writing process's pointers.</summary>
    IntPtr = 18,

    /// <summary>A <see cref="System.UIntPtr"/>, as wide as the writing process's pointers.</summary>
    UIntPtr = 19,

    /// <summary>Any other object: a BinaryFormatter ([MS-NRBF]) stream with no length prefix.</summary>
    Object = 20,

    /// <summary><see langword="null"/>; no payload.</summary>
    Null = 21,
}
