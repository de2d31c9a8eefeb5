using System.Buffers;
using System.Net.Sockets;

namespace SessionBridge.StateServer.Client;

/// <summary>One persistent TCP connection to a state server: send a request, read its answer.</summary>
internal sealed class StateServerClientConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[8 * 1024];
    private int _count;

    private StateServerClientConnection(Socket socket) => _socket = socket;

    public long LastUsedTimestamp { get; set; }

    /// <summary>Whether this connection carried an exchange before (a failure on it may just mean the server closed it while idle).</summary>
    public bool Reused { get; set; }

    public static async Task<StateServerClientConnection> ConnectAsync(StateServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.ConnectHost, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new StateServerClientConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the request and reads one answer. Throws <see cref="IOException"/> when the connection fails or closes.</summary>
    public async Task<StateServerResponse> ExchangeAsync(ReadOnlyMemory<byte> request, StateServerLimits limits, CancellationToken cancellationToken)
    {
        _count = 0;
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
            var status = StateServerResponseParser.TryParse(ref sequence, limits, out var response, out var error);
            if (status == StateServerParseStatus.Complete)
            {
                if (!sequence.IsEmpty)
                {
                    throw new InvalidDataException("The state server sent more than one answer to one request.");
                }

                return response!;
            }

            if (status == StateServerParseStatus.Invalid)
            {
                throw new InvalidDataException("The state server's answer is not a valid [MS-ASP] response: " + error);
            }

            if (_count == _buffer.Length)
            {
                var limit = limits.MaxHeadLength + limits.MaxBodyLength;
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, limit));
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_count), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException(_count == 0
                    ? "The state server closed the connection without answering."
                    : "The state server closed the connection in the middle of an answer.");
            }

            _count += read;
        }
    }

    /// <summary>Whether nothing has been received so far in the current exchange (a closed idle connection fails that way).</summary>
    public bool NothingReceived => _count == 0;

    public void Dispose() => _socket.Dispose();
}
