using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace SessionBridge.Middleware;

/// <summary>
/// Holds an exclusive request's response body until its session is saved, as System.Web does with
/// <c>Response.BufferOutput</c>, so that the session cookie and a failed save can still change the response. Small
/// bodies stay in memory; large ones spill to a temporary file (<see cref="FileBufferingWriteStream"/>).
/// </summary>
internal sealed class BufferedResponse : IAsyncDisposable
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _original;
    private readonly FileBufferingWriteStream _buffer;
    private readonly StreamResponseBodyFeature _buffered;

    private BufferedResponse(HttpContext context)
    {
        _context = context;
        _original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        _buffer = new FileBufferingWriteStream();
        _buffered = new StreamResponseBodyFeature(_buffer, _original);
        context.Features.Set<IHttpResponseBodyFeature>(_buffered);
    }

    /// <summary>Starts buffering the response of <paramref name="context"/>.</summary>
    public static BufferedResponse Start(HttpContext context) => new(context);

    /// <summary>Completes the buffered body once the endpoint returned (flushes what its writers still hold).</summary>
    public Task CompleteEndpointAsync() => _buffered.CompleteAsync();

    /// <summary>Gives the response its own body back; what was buffered stays until <see cref="SendAsync"/> or dispose.</summary>
    public void Restore()
    {
        if (_context.Features.Get<IHttpResponseBodyFeature>() == _buffered)
        {
            _context.Features.Set(_original);
        }
    }

    /// <summary>Sends what the endpoint wrote, after the session was saved and its cookie added.</summary>
    public Task SendAsync(CancellationToken cancellationToken) => _buffer.DrainBufferAsync(_original.Writer, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _buffered.Dispose();
        await _buffer.DisposeAsync().ConfigureAwait(false);
    }
}
