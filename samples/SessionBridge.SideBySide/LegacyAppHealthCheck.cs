using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionBridge.SideBySide;

/// <summary>Healthy when the legacy app answers GET /ping (through nginx and fastcgi-mono-server4).</summary>
internal sealed class LegacyAppHealthCheck(LegacyStack legacy) : IHealthCheck
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (legacy.LegacyAppExited is { } exited)
        {
            return HealthCheckResult.Unhealthy($"{exited} has exited");
        }

        try
        {
            using var response = await Client.GetAsync(new Uri(legacy.LegacyAddress, "ping"), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"the legacy app answered {(int)response.StatusCode} to GET /ping");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("the legacy app does not answer: " + ex.Message);
        }
    }
}
