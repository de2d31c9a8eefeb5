using System.IO.Pipelines;
using System.Net;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.StateServer;

/// <content>Mono's .NET Remoting state server protocol on the same port ([MS-NRTP] frames, [MS-NRBF] calls).</content>
internal sealed partial class StateServerListener
{
    /// <summary>Whether the connection's first byte starts a .NET Remoting frame (<c>.</c>; [MS-ASP] starts with a verb).</summary>
    private static async ValueTask<bool> IsRemotingAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        ReadResult result;
        try
        {
            result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        var remoting = result.Buffer.Length > 0 && result.Buffer.FirstSpan[0] == (byte)'.';
        reader.AdvanceTo(result.Buffer.Start);
        return remoting;
    }

    /// <summary>
    /// Serves one Remoting connection: frames one after another (a client may pipeline), one reply per request,
    /// nothing for a one-way request. A malformed frame or call closes the connection without a reply (the client
    /// reports a failed call); no type named in a message is ever loaded. A storage failure also closes it, so the
    /// client never mistakes it for a missing session.
    /// </summary>
    private async Task ServeRemotingAsync(PipeReader reader, PipeWriter writer, IPAddress? remote, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        var requestStarted = 0L;
        var pending = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (pending && !_stopping.IsCancellationRequested)
                {
                    StateServerLog.RequestTimedOut(_logger, remote, _options.RequestTimeout);
                }

                return;
            }

            var buffer = result.Buffer;
            var answered = false;
            var close = false;
            try
            {
                while (RemotingFrameReader.TryRead(ref buffer, _remotingLimits, out var frame))
                {
                    if (frame!.Operation == RemotingOperation.Reply)
                    {
                        throw new RemotingProtocolException("A client sent a reply frame.");
                    }

                    var call = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(frame.Body, _remotingLimits));
                    MonoStateServerReply? reply;
                    try
                    {
                        reply = await _monoBackend.ProcessAsync(call, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException or OperationCanceledException)
                    {
                        StateServerLog.StorageFailed(_logger, remote, ex);
                        _metrics?.Request("mono:" + call.Method, 0);
                        close = true;
                        break;
                    }

                    _metrics?.Request("mono:" + call.Method, 200);
                    if (frame.Operation == RemotingOperation.OneWayRequest)
                    {
                        continue;
                    }

                    var body = call.Method == MonoStateServerMethod.GetItem
                        ? MonoStateServerMessages.WriteGetItemReply(reply ?? new MonoStateServerReply())
                        : MonoStateServerMessages.WriteVoidReply(call.Method);
                    RemotingFrameWriter.WriteReply(writer, body);
                    answered = true;
                }
            }
            catch (RemotingProtocolException ex)
            {
                StateServerLog.BadRemotingMessage(_logger, remote, ex.Message);
                _metrics?.Request("mono:invalid", 400);
                close = true;
            }

            var stillPending = !close && buffer.Length > 0;
            if (stillPending && (!pending || answered))
            {
                requestStarted = _time.GetTimestamp();
            }

            pending = stillPending;
            reader.AdvanceTo(close ? result.Buffer.End : buffer.Start, result.Buffer.End);
            if (pending)
            {
                var remaining = _options.RequestTimeout - _time.GetElapsedTime(requestStarted);
                if (remaining <= TimeSpan.Zero)
                {
                    StateServerLog.RequestTimedOut(_logger, remote, _options.RequestTimeout);
                    return;
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
                    return;
                }
            }

            if (close || result.IsCompleted)
            {
                return;
            }
        }
    }
}
