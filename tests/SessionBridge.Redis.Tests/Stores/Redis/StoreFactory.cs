using Microsoft.Extensions.Logging;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.Tests.Infrastructure;

namespace SessionBridge.Redis.Tests.Stores.Redis;

internal static class StoreFactory
{
    public static RedisSessionStore Create(RedisServerFixture fixture, Action<RedisSessionStoreOptions>? configure = null, ILogger? logger = null, TimeProvider? timeProvider = null, LegacySessionFormat? format = null) =>
        Create(fixture.Server.Configuration, configure, logger, timeProvider, format);

    public static RedisSessionStore Create(string configuration, Action<RedisSessionStoreOptions>? configure = null, ILogger? logger = null, TimeProvider? timeProvider = null, LegacySessionFormat? format = null)
    {
        var options = new RedisSessionStoreOptions { Configuration = configuration };
        configure?.Invoke(options);
        return new RedisSessionStore(options, logger, timeProvider, format);
    }

    public static string Key(string id, string suffix, string app = "/") => $"{{{app}_{id}}}_{suffix}";
}
