using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.StateServer.Client;

/// <summary>
/// Settings of the Mono state server store: where Mono's <c>asp-state4.exe</c> (or SessionBridge's state server,
/// which speaks the same protocol on its port) listens.
/// </summary>
/// <remarks>
/// The Mono application's <c>&lt;sessionState mode="StateServer" stateConnectionString="tcpip=host:42424"
/// stateNetworkTimeout="10" compressionEnabled="false"&gt;</c> maps to <see cref="ConnectionString"/>,
/// <see cref="NetworkTimeout"/> and <see cref="CompressionEnabled"/>. Sessions are keyed by the bare session id (Mono's
/// ids: 24 upper-case hex characters), so the Core application must use Mono's ids too.
/// </remarks>
public sealed class MonoStateServerStoreOptions
{
    /// <summary>The legacy <c>stateConnectionString</c>: <c>tcpip=host:port</c> or <c>tcpip=[IPv6]:port</c>. Default <c>tcpip=loopback:42424</c>.</summary>
    public string ConnectionString { get; set; } = "tcpip=loopback:42424";

    /// <summary>The legacy <c>stateNetworkTimeout</c>: the most one call (connect, send, answer) may take. Default 10 s.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The legacy <c>compressionEnabled</c> (Mono compresses <c>CollectionData</c> with GZip).</summary>
    public bool CompressionEnabled { get; set; }

    /// <summary>The largest reply accepted (bytes). Default 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = RemotingLimits.DefaultMaxMessageBytes;

    /// <summary>Pooled connections unused for this long are closed instead of reused. Default 30 s.</summary>
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker: the failure ratio within <see cref="BreakerSamplingDuration"/> that opens it. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Circuit breaker: the fewest calls in a sample before it may open. Default 10.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Circuit breaker: the sampling window. Default 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker: how long it stays open (every call fails at once as unavailable). Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
