using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionBridge.Diagnostics;

namespace SessionBridge.Hosting;

/// <summary>
/// Logs, when the host starts, which store serves the sessions and what it points at (event 803), e.g.
/// <c>Legacy session store: Redis (127.0.0.1:6379, layout V5).</c> Each store describes itself through its
/// registration; nothing secret (passwords, connection string credentials) is part of a description.
/// </summary>
internal sealed class LegacySessionStartupLog(
    IEnumerable<LegacySessionStoreRegistration> registrations,
    IOptions<LegacySessionOptions> options,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("SessionBridge.Configuration");
        if (LegacySessionStoreResolver.Select(registrations.ToList(), options.Value.Store) is not { } selected)
        {
            return Task.CompletedTask; // the options validator has already refused to start
        }

        string target;
        try
        {
            target = selected.Describe?.Invoke(services) ?? "a store added with AddStore";
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            target = "its target could not be described: " + ex.Message;
        }

        ConfigurationLog.StoreSelected(logger, selected.Name, target);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
