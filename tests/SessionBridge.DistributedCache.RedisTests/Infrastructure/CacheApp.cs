using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionBridge.DistributedCache.RedisTests.Infrastructure;

/// <summary>
/// One real ASP.NET Core application on Kestrel (127.0.0.1, a free port) with SessionBridge's <c>DistributedCache</c>
/// store; the test adds the <c>IDistributedCache</c> and the lock provider. Two of them over one redis-server are two
/// servers behind a load balancer.
/// </summary>
/// <remarks>
/// Endpoints: <c>POST /increment</c> (exclusive: the counter <c>n</c> plus one, answered), <c>POST /increment-held?gate=</c>
/// (the same, then holds the request, and so the lock, until the test opens the gate), <c>GET /read</c> (read only:
/// <c>n</c>, or <c>none</c>), <c>GET /read-held?gate=</c> (the same, held), <c>POST /abandon</c>.
/// </remarks>
public sealed class CacheApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly HttpClient _client;

    private CacheApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<CacheApp> StartAsync(
        Action<IServiceCollection> addCache,
        Action<ILegacySessionBuilder> addLocks,
        Action<LegacySessionOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        addCache(builder.Services);
        var session = builder.Services.AddLegacySession(o =>
        {
            o.RequestQueueLimit = 500;
            configure?.Invoke(o);
        }).AddDistributedCacheStore();
        addLocks(session);

        var app = builder.Build();
        CacheApp? self = null;
        app.UseLegacySession();
        app.MapPost("/increment", (HttpContext context) => Increment(context));
        app.MapPost("/increment-held", async (HttpContext context, string gate) =>
        {
            var n = Increment(context);
            await self!.GateFor(gate).HoldAsync(context.RequestAborted);
            return n;
        });
        app.MapGet("/read", (HttpContext context) => Read(context)).WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapGet("/read-held", async (HttpContext context, string gate) =>
        {
            var n = Read(context);
            await self!.GateFor(gate).HoldAsync(context.RequestAborted);
            return n;
        }).WithLegacySession(LegacySessionBehavior.ReadOnly);
        app.MapPost("/abandon", (HttpContext context) =>
        {
            context.GetLegacySession().Abandon();
            return "abandoned";
        });

        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new CacheApp(app, new Uri(address + "/"));
        return self;
    }

    /// <summary>The gate requests <c>?gate=<paramref name="name"/></c> wait at.</summary>
    public Gate GateFor(string name) => _gates.GetOrAdd(name, _ => new Gate());

    /// <summary>Sends a request with the session cookie (no cookie jar: a renewed ID is not picked up).</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string sessionId)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"ASP.NET_SessionId={sessionId}");
        var response = await _client.SendAsync(request, CancellationToken.None);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(CancellationToken.None), response);
    }

    /// <summary><c>POST /increment</c>, which must answer 200; the new count.</summary>
    public async Task<int> IncrementAsync(string sessionId)
    {
        var (status, body, response) = await SendAsync(HttpMethod.Post, "increment", sessionId);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"POST /increment answered {(int)status}: {body}");
        return int.Parse(body, CultureInfo.InvariantCulture);
    }

    /// <summary><c>GET /read</c>, which must answer 200: the count, or <c>none</c>.</summary>
    public async Task<string> ReadAsync(string sessionId)
    {
        var (status, body, response) = await SendAsync(HttpMethod.Get, "read", sessionId);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"GET /read answered {(int)status}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Open();
        }

        _client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static int Increment(HttpContext context)
    {
        var session = context.GetLegacySession();
        var n = (session["n"] as int? ?? 0) + 1;
        session["n"] = n;
        return n;
    }

    private static string Read(HttpContext context) =>
        context.GetLegacySession()["n"] is int n ? n.ToString(CultureInfo.InvariantCulture) : "none";

    /// <summary>Where a held request waits: <see cref="Entered"/> completes when one arrives, <see cref="Open"/> lets it go.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Open() => _open.TrySetResult();

        internal Task HoldAsync(CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            return _open.Task.WaitAsync(cancellationToken);
        }
    }
}
