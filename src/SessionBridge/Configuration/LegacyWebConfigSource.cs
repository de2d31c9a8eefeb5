using Microsoft.Extensions.Configuration;
using SessionBridge.Legacy.Configuration;

namespace SessionBridge.Configuration;

/// <summary>A legacy web.config as a configuration source (see <c>AddLegacyWebConfig</c>).</summary>
internal sealed class LegacyWebConfigSource(string path, LegacyPlatform platform) : IConfigurationSource
{
    public string Path { get; } = path;

    public LegacyPlatform Platform { get; } = platform;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LegacyWebConfigProvider(this);
}
