using SessionBridge;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Sets the session behaviour of minimal API endpoints and route groups.</summary>
public static class LegacySessionEndpointConventionBuilderExtensions
{
    /// <summary>Sets how the endpoints use the session (the same as <see cref="LegacySessionAttribute"/>).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <param name="behavior">The behaviour.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithLegacySession<TBuilder>(this TBuilder builder, LegacySessionBehavior behavior)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new LegacySessionAttribute(behavior);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
