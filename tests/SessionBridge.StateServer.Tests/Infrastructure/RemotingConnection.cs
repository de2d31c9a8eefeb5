using System.Buffers;
using System.Net.Sockets;
using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>A plain TCP connection that sends raw bytes and reads .NET Remoting reply frames.</summary>
internal sealed class RemotingConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[16 * 1024];
    private int _count;

    private RemotingConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RemotingConnection> OpenAsync(int port)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RemotingConnection(client);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    public Task SendCallAsync(MonoStateServerCall call, int port)
    {
        var writer = new ArrayBufferWriter<byte>();
        RemotingFrameWriter.WriteRequest(writer, $"tcp://127.0.0.1:{port}/StateServer", MonoStateServerMessages.WriteCall(call));
        return SendAsync(writer.WrittenMemory);
    }

    /// <summary>Reads one reply frame; null when the server closed (or reset) the connection first.</summary>
    public async Task<RemotingFrame?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, 0, _count);
            if (RemotingFrameReader.TryRead(ref sequence, RemotingLimits.Default, out var frame))
            {
                var consumed = _count - (int)sequence.Length;
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _count - consumed);
                _count -= consumed;
                return frame;
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

    public async Task<MonoStateServerReply> GetItemAsync(int port, string id, bool exclusive)
    {
        await SendCallAsync(new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = id, Exclusive = exclusive }, port);
        var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("The server closed the connection.");
        return MonoStateServerMessages.ReadGetItemReply(NrbfMessageReader.Read(frame.Body, RemotingLimits.Default));
    }

    public async Task CallVoidAsync(int port, MonoStateServerCall call)
    {
        await SendCallAsync(call, port);
        var frame = await ReadFrameAsync() ?? throw new InvalidOperationException("The server closed the connection.");
        MonoStateServerMessages.ReadVoidReply(NrbfMessageReader.Read(frame.Body, RemotingLimits.Default), call.Method);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
