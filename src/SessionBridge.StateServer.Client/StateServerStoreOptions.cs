
namespace SessionBridge.StateServer.Client;

/// <summary>
/// Settings of the state server store: where the ASP.NET state server (or SessionBridge's own) listens, and how the
/// legacy application names its items there.
/// </summary>
/// <remarks>
/// The legacy web.config's <c>&lt;sessionState mode="StateServer" stateConnectionString="tcpip=host:42424"
/// stateNetworkTimeout="10" compressionEnabled="false"&gt;</c> maps to <see cref="ConnectionString"/>,
/// <see cref="NetworkTimeout"/>. <see cref="ApplicationId"/> must be the legacy
/// application's <c>HttpRuntime.AppDomainAppId</c> (e.g. <c>/LM/W3SVC/1/ROOT/MyApp</c>, case-sensitive), or the two
/// applications read different items.
/// </remarks>
public sealed class StateServerStoreOptions
{
    /// <summary>The legacy <c>stateConnectionString</c>: <c>tcpip=host:port</c> or <c>tcpip=[IPv6]:port</c>. Default <c>tcpip=loopback:42424</c>.</summary>
    public string ConnectionString { get; set; } = "tcpip=loopback:42424";

    /// <summary>
    /// Several state servers (System.Web's partition resolver idea): when set, each session id is sent to one of these
    /// connection strings, chosen by a stable hash of the id; <see cref="ConnectionString"/> is then not used.
    /// </summary>
    public IList<string> PartitionConnectionStrings { get; } = [];

    /// <summary>
    /// Picks the connection string for a session id (like the legacy <c>partitionResolverType</c>); wins over
    /// <see cref="PartitionConnectionStrings"/>. Use it to mirror the legacy application's resolver exactly.
    /// </summary>
    public Func<string, string>? PartitionResolver { get; set; }

    /// <summary>The legacy application's id, e.g. <c>/LM/W3SVC/1/ROOT/MyApp</c> (required).</summary>
    public string ApplicationId { get; set; } = string.Empty;

    /// <summary>How the legacy System.Web hashes the application id: SHA-256 (4.8, default) or the machineKey hash (2.0-4.7).</summary>
    public StateServerKeyScheme KeyScheme { get; set; } = StateServerKeyScheme.Sha256;

    /// <summary>For <see cref="StateServerKeyScheme.MachineKey"/>: the legacy <c>&lt;machineKey validationKey&gt;</c> (hex).</summary>
    public string? ValidationKey { get; set; }

    /// <summary>For <see cref="StateServerKeyScheme.MachineKey"/>: the legacy <c>&lt;machineKey validation&gt;</c> (SHA1 by default).</summary>
    public string? Validation { get; set; }

    /// <summary>The legacy <c>stateNetworkTimeout</c>: the most one exchange (connect, send, answer) may take. Default 10 s.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest answer body accepted (bytes). Default 16 MiB.</summary>
    public int MaxResponseBodyBytes { get; set; } = StateServerLimits.DefaultMaxBodyLength;

    /// <summary>Pooled connections unused for this long are closed instead of reused (System.Web: 5 s).</summary>
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Circuit breaker: the failure ratio within <see cref="BreakerSamplingDuration"/> that opens it. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Circuit breaker: the fewest exchanges in a sample before it may open. Default 10.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Circuit breaker: the sampling window. Default 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker: how long it stays open (every call fails at once as unavailable). Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
