using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Stores;
using SessionBridge.StateServer.Remoting;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer;

/// <summary>
/// The TCP front end: accepts persistent connections (loopback only unless remote addresses are allowed), reads
/// pipelined [MS-ASP] requests with <see cref="StateServerRequestParser"/>, answers each with
/// <see cref="StateServerEngine"/>, and cuts off slow or idle peers. A connection whose first bytes are the .NET
/// Remoting preamble (<c>.NET</c>, where [MS-ASP] starts with an HTTP verb) is Mono's state server protocol instead,
/// served by <see cref="ServeRemotingAsync"/> (partial file).
/// </summary>
internal sealed partial class StateServerListener : IAsyncDisposable
{
    private readonly StateServerOptions _options;
    private readonly IStateServerBackend _backend;
    private readonly IMonoStateServerBackend _monoBackend;
    private readonly bool _ownsMonoBackend;
    private readonly RemotingLimits _remotingLimits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateServerMetrics? _metrics;
    private readonly RemoteAccessFilter _filter;
    private readonly StateServerLimits _limits;
    private readonly byte[] _version;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listenSockets = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private int _connectionCount;
    private int _nextConnectionId;

    public StateServerListener(StateServerOptions options, StateServerEngine engine, TimeProvider time, ILogger logger, StateServerMetrics? metrics = null)
        : this(options, new MemoryStateServerBackend(engine), time, logger, metrics)
    {
    }

    public StateServerListener(StateServerOptions options, IStateServerBackend backend, TimeProvider time, ILogger logger, StateServerMetrics? metrics = null, IMonoStateServerBackend? monoBackend = null)
    {
        options.Validate();
        _options = options;
        _backend = backend;
        _ownsMonoBackend = monoBackend is null;
        _monoBackend = monoBackend ?? new MemoryMonoStateServerBackend(new MonoStateServerEngine(time), options.MonoKeyPrefix, ownsEngine: true);
        _remotingLimits = new RemotingLimits { MaxMessageBytes = options.MaxBodyBytes };
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _filter = RemoteAccessFilter.Parse(options.AllowRemote);
        _limits = options.Limits;
        _version = Encoding.ASCII.GetBytes(options.AspNetVersion);
    }

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Connections open right now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public void Start()
    {
        if (_filter.AllowsRemote)
        {
            Socket socket;
            if (Socket.OSSupportsIPv6)
            {
                socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
                Bind(socket, new IPEndPoint(IPAddress.IPv6Any, _options.Port));
            }
            else
            {
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Bind(socket, new IPEndPoint(IPAddress.Any, _options.Port));
            }
        }
        else
        {
            var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Bind(v4, new IPEndPoint(IPAddress.Loopback, _options.Port));
            if (Socket.OSSupportsIPv6)
            {
                var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    Bind(v6, new IPEndPoint(IPAddress.IPv6Loopback, Port));
                }
                catch (SocketException)
                {
                    v6.Dispose();
                    _listenSockets.Remove(v6);
                }
            }
        }

        foreach (var socket in _listenSockets)
        {
            StateServerLog.Listening(_logger, socket.LocalEndPoint!, _filter.AllowsRemote ? string.Join(", ", _options.AllowRemote) : "loopback only");
            _acceptLoops.Add(AcceptLoopAsync(socket));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        StateServerLog.Stopping(_logger, ConnectionCount);
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _listenSockets)
        {
            socket.Dispose();
        }

        try
        {
            await Task.WhenAll(_acceptLoops).WaitAsync(_options.ShutdownTimeout, _time, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(_connections.Values).WaitAsync(_options.ShutdownTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Connections that did not finish in time are abandoned; their sockets close with the process.
        }

        StateServerLog.Stopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_ownsMonoBackend)
        {
            await _monoBackend.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void Bind(Socket socket, IPEndPoint endPoint)
    {
        _listenSockets.Add(socket);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(endPoint);
        socket.Listen(512);
        if (Port == 0)
        {
            Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
    }

    private async Task AcceptLoopAsync(Socket listenSocket)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                StateServerLog.AcceptFailed(_logger, ex);
                continue;
            }

            var remote = (socket.RemoteEndPoint as IPEndPoint)?.Address;
            if (!_filter.IsAllowed(remote))
            {
                StateServerLog.RemoteRefused(_logger, remote);
                _metrics?.Refused("remote");
                Abort(socket);
                continue;
            }

            if (Interlocked.Increment(ref _connectionCount) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _connectionCount);
                StateServerLog.ConnectionLimit(_logger, _options.MaxConnections);
                _metrics?.Refused("limit");
                Abort(socket);
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            _connections[id] = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(socket, remote).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _connectionCount);
                    _connections.TryRemove(id, out _);
                }
            });
        }
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        socket.Dispose();
    }

    private async Task ServeAsync(Socket socket, IPAddress? remote)
    {
        _metrics?.ConnectionOpened();
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stopping.Token);
        var requestStarted = 0L;
        var pending = false;
        try
        {
            deadline.CancelAfter(_options.IdleTimeout);
            if (await IsRemotingAsync(reader, linked.Token).ConfigureAwait(false))
            {
                await ServeRemotingAsync(reader, writer, remote, deadline, linked.Token).ConfigureAwait(false);
                return;
            }

            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (pending && !_stopping.IsCancellationRequested)
                    {
                        StateServerLog.RequestTimedOut(_logger, remote, _options.RequestTimeout);
                    }

                    break;
                }

                var buffer = result.Buffer;
                var answered = false;
                var close = false;
                while (true)
                {
                    var status = StateServerRequestParser.TryParse(ref buffer, _limits, out var request, out var error);
                    if (status == StateServerParseStatus.Complete)
                    {
                        StateServerResponse response;
                        try
                        {
                            response = await _backend.ProcessAsync(request!, _stopping.Token).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException or OperationCanceledException)
                        {
                            // No status tells a System.Web client "try later" (it reads anything else as not found):
                            // close without an answer, so the client reports the state server unavailable.
                            StateServerLog.StorageFailed(_logger, remote, ex);
                            _metrics?.Request(request!.Method, 0);
                            close = true;
                            break;
                        }

                        _metrics?.Request(request!.Method, response.Status);
                        StateServerResponseWriter.Write(writer, response, _version);
                        answered = true;
                        continue;
                    }

                    if (status == StateServerParseStatus.Invalid)
                    {
                        StateServerLog.BadRequest(_logger, remote, error!);
                        _metrics?.Request("invalid", 400);
                        StateServerResponseWriter.Write(writer, StateServerResponse.BadRequest(error!), _version);
                        answered = true;
                        close = true;
                    }

                    break;
                }

                var stillPending = !close && buffer.Length > 0;
                if (stillPending && (!pending || answered))
                {
                    requestStarted = _time.GetTimestamp();
                }

                pending = stillPending;
                reader.AdvanceTo(buffer.Start, buffer.End);

                // Arm the next deadline before the response leaves, so no clock can move past a stale one:
                // a partial request must complete within RequestTimeout of its first byte; otherwise the idle timeout.
                if (pending)
                {
                    var remaining = _options.RequestTimeout - _time.GetElapsedTime(requestStarted);
                    if (remaining <= TimeSpan.Zero)
                    {
                        StateServerLog.RequestTimedOut(_logger, remote, _options.RequestTimeout);
                        break;
                    }

                    deadline.CancelAfter(remaining);
                }
                else
                {
                    deadline.CancelAfter(_options.IdleTimeout);
                }

                if (answered)
                {
                    try
                    {
                        await writer.FlushAsync(deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                if (close || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            StateServerLog.ConnectionFailed(_logger, remote, ex);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // The peer is gone; nothing left to send.
            }

            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            _metrics?.ConnectionClosed();
        }
    }
}
