using SessionBridge.Hosting;
using SessionBridge.Middleware;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the legacy session middleware to the pipeline.</summary>
public static class LegacySessionApplicationBuilderExtensions
{
    /// <summary>
    /// Gives the endpoints System.Web session semantics. Call it after <c>UseRouting()</c> (so the endpoint's
    /// <c>[LegacySession]</c> behaviour is known; the application refuses to start otherwise) and after authentication,
    /// before the endpoints.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseLegacySession(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService(typeof(LegacySessionMiddleware)) is null)
        {
            throw new InvalidOperationException("UseLegacySession() needs the legacy session services. Call builder.Services.AddLegacySession(...) first.");
        }

        (app.ApplicationServices.GetService(typeof(LegacySessionPipelineCheck)) as LegacySessionPipelineCheck)?.Register(app);
        return app.UseMiddleware<LegacySessionMiddleware>();
    }
}
