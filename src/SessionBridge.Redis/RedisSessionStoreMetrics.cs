using System.Diagnostics.Metrics;

namespace SessionBridge.Redis;

/// <summary>The Redis store's instruments on the <c>SessionBridge</c> meter.</summary>
internal static class RedisSessionStoreMetrics
{
    public const string MeterName = "SessionBridge";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Store operations by <c>operation</c> and <c>outcome</c> (<c>ok</c>, <c>unavailable</c>).</summary>
    public static readonly Counter<long> Operations = s_meter.CreateCounter<long>(
        "sessionbridge.redis.operations", unit: "{operation}", description: "Redis session store operations.");

    /// <summary>How long store operations took, retries included.</summary>
    public static readonly Histogram<double> Duration = s_meter.CreateHistogram<double>(
        "sessionbridge.redis.operation.duration", unit: "s", description: "Duration of Redis session store operations.");
}
