using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// Reads [MS-NRTP] 2.2.3.3 TCP message frames (../spec/mono-legacy.md §1) from a byte sequence that may hold part of a
/// frame, one frame, or several (a pipelining client).
/// </summary>
/// <remarks>
/// <code>
/// ".NET"  major:1  minor:0  operation:u16 (0 request, 1 one-way, 2 reply)  distribution:u16 (0 = length follows)
/// contentLength:i32
/// headers: { token:u16 ... } until token 0 (EndHeaders)
///   1 Custom      name:CountedString value:CountedString
///   2 StatusCode  type:3 value:u16        3 StatusPhrase  type:1 CountedString
///   4 RequestUri  type:1 CountedString    5 CloseConnection type:0    6 ContentType type:1 CountedString
///   other tokens  type (0 void, 1 CountedString, 2 byte, 3 u16, 4 i32) and a value of that type
///   CountedString = encoding:u8 (0 UTF-16LE, 1 UTF-8)  length:i32  bytes
/// body: contentLength bytes ([MS-NRBF])
/// </code>
/// Chunked content (distribution 1) is refused: neither Mono's nor Microsoft's TCP channel sends it.
/// </remarks>
internal static class RemotingFrameReader
{
    private static readonly byte[] Preamble = ".NET"u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private static readonly UnicodeEncoding StrictUtf16 = new(false, false, true);

    /// <summary>Whether <paramref name="first"/> (at least one byte) can start a .NET Remoting frame.</summary>
    public static bool StartsLikeFrame(ReadOnlySpan<byte> first)
    {
        var n = Math.Min(first.Length, Preamble.Length);
        return first[..n].SequenceEqual(Preamble.AsSpan(0, n));
    }

    /// <summary>
    /// Reads one frame when the buffer holds all of it, advancing <paramref name="buffer"/> past it; returns
    /// <see langword="false"/> (and leaves the buffer) when more bytes are needed.
    /// </summary>
    /// <exception cref="RemotingProtocolException">The bytes are not a valid frame or exceed <paramref name="limits"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, RemotingLimits limits, out RemotingFrame? frame)
    {
        frame = null;
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> head = stackalloc byte[14];
        var available = (int)Math.Min(buffer.Length, head.Length);
        reader.TryCopyTo(head[..available]);
        if (!StartsLikeFrame(head[..Math.Min(available, 4)]))
        {
            throw new RemotingProtocolException("The message does not start with the .NET Remoting preamble '.NET'.");
        }

        if (available >= 6 && (head[4] != 1 || head[5] != 0))
        {
            throw new RemotingProtocolException($"Unsupported .NET Remoting version {head[4]}.{head[5]}; only 1.0 exists.");
        }

        if (available >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(head[6..]) > 2)
        {
            throw new RemotingProtocolException($"Unknown .NET Remoting operation {BinaryPrimitives.ReadUInt16LittleEndian(head[6..])}.");
        }

        if (available >= 10)
        {
            var distribution = BinaryPrimitives.ReadUInt16LittleEndian(head[8..]);
            if (distribution == 1)
            {
                throw new RemotingProtocolException("Chunked .NET Remoting content is not supported (no TCP channel sends it).");
            }

            if (distribution != 0)
            {
                throw new RemotingProtocolException($"Unknown .NET Remoting content distribution {distribution}.");
            }
        }

        if (available < 14)
        {
            return false;
        }

        var operation = (RemotingOperation)BinaryPrimitives.ReadUInt16LittleEndian(head[6..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(head[10..]);
        if (length < 0 || length > limits.MaxMessageBytes)
        {
            throw new RemotingProtocolException($"The .NET Remoting content length {length} is outside 0..{limits.MaxMessageBytes}.");
        }

        reader.Advance(14);
        string? uri = null;
        string? contentType = null;
        int? status = null;
        for (var count = 0; ; count++)
        {
            if (count > limits.MaxHeaders)
            {
                throw new RemotingProtocolException($"More than {limits.MaxHeaders} .NET Remoting headers.");
            }

            if (!reader.TryReadLittleEndian(out short tokenValue))
            {
                return false;
            }

            var token = (ushort)tokenValue;
            if (token == 0)
            {
                break;
            }

            if (token == 1)
            {
                if (!TryReadCountedString(ref reader, limits, out _) || !TryReadCountedString(ref reader, limits, out _))
                {
                    return false;
                }

                continue;
            }

            if (!reader.TryRead(out var dataType))
            {
                return false;
            }

            switch (dataType)
            {
                case 0:
                    break;
                case 1:
                    if (!TryReadCountedString(ref reader, limits, out var text))
                    {
                        return false;
                    }

                    if (token == 4)
                    {
                        uri = text;
                    }
                    else if (token == 6)
                    {
                        contentType = text;
                    }

                    break;
                case 2:
                    if (!reader.TryRead(out _))
                    {
                        return false;
                    }

                    break;
                case 3:
                    if (!reader.TryReadLittleEndian(out short code))
                    {
                        return false;
                    }

                    if (token == 2)
                    {
                        status = (ushort)code;
                    }

                    break;
                case 4:
                    if (!reader.TryReadLittleEndian(out int _))
                    {
                        return false;
                    }

                    break;
                default:
                    throw new RemotingProtocolException($"Unknown .NET Remoting header data type {dataType} (header {token}).");
            }
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var body = reader.UnreadSequence.Slice(0, length).ToArray();
        reader.Advance(length);
        buffer = buffer.Slice(reader.Position);
        frame = new RemotingFrame { Operation = operation, RequestUri = uri, ContentType = contentType, StatusCode = status, Body = body };
        return true;
    }

    private static bool TryReadCountedString(ref SequenceReader<byte> reader, RemotingLimits limits, out string? value)
    {
        value = null;
        if (!reader.TryRead(out var encoding))
        {
            return false;
        }

        if (encoding > 1)
        {
            throw new RemotingProtocolException($"Unknown .NET Remoting string encoding {encoding}.");
        }

        if (!reader.TryReadLittleEndian(out int length))
        {
            return false;
        }

        if (length < 0 || length > limits.MaxHeaderStringBytes)
        {
            throw new RemotingProtocolException($"A .NET Remoting header string of {length} bytes is outside 0..{limits.MaxHeaderStringBytes}.");
        }

        if (reader.Remaining < length)
        {
            return false;
        }

        var bytes = reader.UnreadSequence.Slice(0, length).ToArray();
        reader.Advance(length);
        try
        {
            value = encoding == 1 ? StrictUtf8.GetString(bytes) : StrictUtf16.GetString(bytes);
        }
        catch (ArgumentException ex)
        {
            throw new RemotingProtocolException("A .NET Remoting header string is not valid text.", ex);
        }

        return true;
    }
}
