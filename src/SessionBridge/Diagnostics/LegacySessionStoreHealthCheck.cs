using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionBridge.Hosting;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Diagnostics;

/// <summary>Reads a session that never exists (without locking it) to see that the configured store answers.</summary>
internal sealed class LegacySessionStoreHealthCheck(LegacySessionStoreResolver resolver) : IHealthCheck
{
    // 24 characters of a-z, so a valid ID no session will have by chance.
    internal const string ProbeId = "sessionbridgehealthcheck";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await resolver.Store.GetItemAsync(ProbeId, exclusive: false, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The session store '{resolver.Name}' answers.");
        }
        catch (Exception ex) when (ex is SessionStoreUnavailableException or LegacySessionFormatException or TimeoutException or IOException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store '{resolver.Name}' does not answer.", ex);
        }
    }
}
