using System.Buffers;
using System.Net.Sockets;
using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Client;

/// <summary>One persistent TCP connection to a Mono state server: send a call frame, read its reply frame.</summary>
internal sealed class MonoStateServerConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[8 * 1024];
    private int _count;

    private MonoStateServerConnection(Socket socket) => _socket = socket;

    public long LastUsedTimestamp { get; set; }

    public bool Reused { get; set; }

    /// <summary>Whether nothing has been received in the current exchange (a server that closed an idle connection fails that way).</summary>
    public bool NothingReceived => _count == 0;

    public static async Task<MonoStateServerConnection> ConnectAsync(StateServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.ConnectHost, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new MonoStateServerConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the frame and reads one reply. Throws <see cref="IOException"/> when the connection fails or closes.</summary>
    public async Task<RemotingFrame> ExchangeAsync(ReadOnlyMemory<byte> request, RemotingLimits limits, CancellationToken cancellationToken)
    {
        _count = 0;
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
            if (RemotingFrameReader.TryRead(ref sequence, limits, out var frame))
            {
                if (!sequence.IsEmpty)
                {
                    throw new RemotingProtocolException("The state server sent more than one reply to one call.");
                }

                if (frame!.Operation != RemotingOperation.Reply)
                {
                    throw new RemotingProtocolException("The state server answered with a request frame.");
                }

                return frame;
            }

            if (_count == _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, limits.MaxMessageBytes + 64L * 1024));
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException(_count == 0
                    ? "The state server closed the connection without answering."
                    : "The state server closed the connection in the middle of a reply.");
            }

            _count += read;
        }
    }

    public void Dispose() => _socket.Dispose();
}
