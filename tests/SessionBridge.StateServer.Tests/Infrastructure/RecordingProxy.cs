using System.Net;
using System.Net.Sockets;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>A loopback TCP proxy that records every byte clients send, to compare them with the vectors.</summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly MemoryStream _sent = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;

    public RecordingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Returns and forgets what clients sent so far.</summary>
    public byte[] TakeSent()
    {
        lock (_sent)
        {
            var bytes = _sent.ToArray();
            _sent.SetLength(0);
            return bytes;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
            }

            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), record: true);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), record: false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool record)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (record)
                {
                    lock (_sent)
                    {
                        _sent.Write(buffer, 0, read);
                    }
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        to.Socket.Shutdown(SocketShutdown.Send);
    }
}
