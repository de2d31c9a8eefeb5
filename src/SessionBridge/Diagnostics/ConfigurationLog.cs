using Microsoft.Extensions.Logging;

namespace SessionBridge.Diagnostics;

/// <summary>Configuration events: 8xx.</summary>
internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 801, EventName = "WebConfigWarning", Level = LogLevel.Warning,
        Message = "Legacy web.config: {Warning}")]
    public static partial void WebConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 802, EventName = "WebConfigImported", Level = LogLevel.Information,
        Message = "Imported {Count} settings from the legacy web.config '{Path}' ({WarningCount} warnings); appsettings, environment and command line override them.")]
    public static partial void WebConfigImported(ILogger logger, int count, string path, int warningCount);

    [LoggerMessage(EventId = 803, EventName = "StoreSelected", Level = LogLevel.Information,
        Message = "Legacy session store: {Store} ({Target}).")]
    public static partial void StoreSelected(ILogger logger, string store, string target);
}
