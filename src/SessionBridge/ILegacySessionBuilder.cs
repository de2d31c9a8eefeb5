using Microsoft.Extensions.DependencyInjection;

namespace SessionBridge;

/// <summary>Returned by <c>AddLegacySession</c>; session stores chain on it (<c>.AddInMemoryStore()</c>, …).</summary>
public interface ILegacySessionBuilder
{
    /// <summary>The services being configured.</summary>
    IServiceCollection Services { get; }
}
