using System.Buffers;
using System.Net.Sockets;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>A plain TCP connection that sends raw bytes and reads [MS-ASP] responses.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _count;

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawConnection> OpenAsync(int port, string host = "127.0.0.1")
    {
        var client = new TcpClient(host.Contains(':', StringComparison.Ordinal) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(host, port);
        return new RawConnection(client);
    }

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken = default) =>
        await _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Reads one response; null when the server closed (or reset) the connection first.</summary>
    internal async Task<StateServerResponse?> ReadResponseAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
            var status = StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var response, out var error, keepHeaders: true);
            if (status == StateServerParseStatus.Complete)
            {
                var consumed = _count - (int)sequence.Length;
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _count - consumed);
                _count -= consumed;
                return response;
            }

            if (status == StateServerParseStatus.Invalid)
            {
                throw new InvalidOperationException("The server sent an invalid response: " + error);
            }

            if (_count == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_count), timeout.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _count += read;
        }
    }

    /// <summary>Waits until the server closes the connection (true) or the wait ends (false); bytes received meanwhile are dropped.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan maxWait)
    {
        using var timeout = new CancellationTokenSource(maxWait);
        var scratch = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(scratch, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
