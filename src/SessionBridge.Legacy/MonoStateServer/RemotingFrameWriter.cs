using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>Writes [MS-NRTP] TCP message frames as Mono's TCP channel does (layout: <see cref="RemotingFrameReader"/>).</summary>
internal static class RemotingFrameWriter
{
    /// <summary>A request with the <c>RequestUri</c> and <c>ContentType: application/octet-stream</c> headers.</summary>
    public static void WriteRequest(IBufferWriter<byte> output, string requestUri, ReadOnlySpan<byte> body)
    {
        WriteStart(output, RemotingOperation.Request, body.Length);
        WriteStringHeader(output, 4, requestUri);
        WriteStringHeader(output, 6, "application/octet-stream");
        WriteEnd(output, body);
    }

    /// <summary>A reply: no headers, as Mono's server sends.</summary>
    public static void WriteReply(IBufferWriter<byte> output, ReadOnlySpan<byte> body)
    {
        WriteStart(output, RemotingOperation.Reply, body.Length);
        WriteEnd(output, body);
    }

    private static void WriteStart(IBufferWriter<byte> output, RemotingOperation operation, int length)
    {
        var span = output.GetSpan(14);
        ".NET"u8.CopyTo(span);
        span[4] = 1;
        span[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)operation);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], length);
        output.Advance(14);
    }

    private static void WriteStringHeader(IBufferWriter<byte> output, ushort token, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = output.GetSpan(8 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, token);
        span[2] = 1;
        span[3] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], length);
        Encoding.UTF8.GetBytes(value, span[8..]);
        output.Advance(8 + length);
    }

    private static void WriteEnd(IBufferWriter<byte> output, ReadOnlySpan<byte> body)
    {
        var span = output.GetSpan(2 + body.Length);
        span[0] = 0;
        span[1] = 0;
        body.CopyTo(span[2..]);
        output.Advance(2 + body.Length);
    }
}
