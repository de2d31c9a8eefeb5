using Microsoft.Extensions.DependencyInjection;

namespace SessionBridge.Hosting;

internal sealed class LegacySessionBuilder(IServiceCollection services) : ILegacySessionBuilder
{
    public IServiceCollection Services { get; } = services;
}
