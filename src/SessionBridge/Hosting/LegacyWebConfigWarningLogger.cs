using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionBridge.Configuration;
using SessionBridge.Diagnostics;

namespace SessionBridge.Hosting;

/// <summary>
/// Logs, when the host starts, what each <c>AddLegacyWebConfig</c> source imported and its warnings (event 801), so
/// that the settings a web.config cannot give (the IIS application id, a lock time zone, …) are visible in the logs.
/// </summary>
internal sealed class LegacyWebConfigWarningLogger(IConfiguration configuration, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("SessionBridge.Configuration");
        foreach (var provider in Providers(configuration))
        {
            ConfigurationLog.WebConfigImported(logger, provider.Count, provider.Source.Path, provider.Warnings.Count);
            foreach (var warning in provider.Warnings)
            {
                ConfigurationLog.WebConfigWarning(logger, warning.ToString());
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IEnumerable<LegacyWebConfigProvider> Providers(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            yield break;
        }

        foreach (var provider in root.Providers)
        {
            switch (provider)
            {
                case LegacyWebConfigProvider webConfig:
                    yield return webConfig;
                    break;
                case ChainedConfigurationProvider chained:
                    foreach (var inner in Providers(chained.Configuration))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }
}
