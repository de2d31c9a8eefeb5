using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionBridge.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check for the legacy session store.</summary>
public static class LegacySessionHealthChecksBuilderExtensions
{
    /// <summary>Adds a check that the configured session store answers (a read of a session that does not exist).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported when the store does not answer; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddLegacySessionStore(this IHealthChecksBuilder builder, string name = "legacy-session-store", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<LegacySessionStoreHealthCheck>(name, failureStatus, tags ?? []);
    }
}
