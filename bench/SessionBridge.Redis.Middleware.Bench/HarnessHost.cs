using System.Globalization;

namespace SessionBridge.Redis.Middleware.Bench;

/// <summary>
/// The host both sides run in (<see cref="BridgeSessionHost"/>, <see cref="CoreSessionHost"/>): the slim builder, warnings
/// only, this harness's GC settings, on 127.0.0.1, so the two differ only in the session.
/// </summary>
internal static class HarnessHost
{
    public static WebApplicationBuilder CreateBuilder(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return builder;
    }
}
