using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace SessionBridge.Hosting;

/// <summary>
/// Refuses to start an application whose <c>UseLegacySession()</c> runs before <c>UseRouting()</c>: the middleware
/// would see no endpoint, so every request, <c>[LegacySession(Disabled)]</c> endpoints and static assets included,
/// would take <see cref="LegacySessionOptions.DefaultBehavior"/> (the exclusive lock, out of the box).
/// </summary>
/// <remarks>
/// <c>UseRouting()</c> leaves its endpoint route builder in the application builder's properties. The check notes
/// whether it was there when <c>UseLegacySession()</c> ran and, once the pipeline is built (an
/// <see cref="IStartupFilter"/>, after every <c>Use…</c> call), whether it is there now: absent then and present now
/// means routing was added after the session. An application that never calls <c>UseRouting()</c> is fine
/// (WebApplication then routes first on its own).
/// </remarks>
internal sealed class LegacySessionPipelineCheck
{
    /// <summary>The property <c>UseRouting()</c> sets on the application builder.</summary>
    internal const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    internal const string Message =
        "UseLegacySession() runs before UseRouting(), so it cannot see the endpoint a request goes to, and every request " +
        "(static files and [LegacySession(Disabled)] endpoints too) would take LegacySession:DefaultBehavior. " +
        "Call app.UseRouting() before app.UseLegacySession(), or remove the UseRouting() call so that routing runs first.";

    private readonly List<(IApplicationBuilder App, bool RoutedBefore)> _uses = [];
    private readonly Lock _gate = new();

    /// <summary>Notes one <c>UseLegacySession()</c> call and whether routing was already in the pipeline.</summary>
    public void Register(IApplicationBuilder app)
    {
        lock (_gate)
        {
            _uses.Add((app, app.Properties.ContainsKey(EndpointRouteBuilderKey)));
        }
    }

    /// <summary>Throws when routing was added after <c>UseLegacySession()</c>.</summary>
    /// <exception cref="InvalidOperationException">The pipeline runs the session before routing.</exception>
    public void Verify()
    {
        lock (_gate)
        {
            foreach (var (app, routedBefore) in _uses)
            {
                if (!routedBefore && app.Properties.ContainsKey(EndpointRouteBuilderKey))
                {
                    throw new InvalidOperationException(Message);
                }
            }
        }
    }

    /// <summary>Runs <see cref="Verify"/> once the application's pipeline is built.</summary>
    internal sealed class StartupFilter(LegacySessionPipelineCheck check) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            check.Verify();
        };
    }
}
