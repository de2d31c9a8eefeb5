using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace SessionBridge.Middleware;

/// <summary>
/// How a request uses the session (DESIGN.md, step 1), innermost first: a Razor Pages handler method's
/// <see cref="LegacySessionAttribute"/>, then the endpoint's metadata (action, controller, page model, minimal API or
/// group); a static asset (<c>MapStaticAssets()</c>, including its fallback for web-root files) or a file
/// <c>UseStaticFiles()</c> serves from the web root is
/// <see cref="LegacySessionBehavior.Disabled"/> unless its metadata says otherwise; anything else gets
/// <see cref="LegacySessionOptions.DefaultBehavior"/>.
/// </summary>
internal sealed class LegacySessionEndpointPolicy(IOptions<LegacySessionOptions> options, IWebHostEnvironment? environment = null)
{
    private readonly LegacySessionBehavior _default = options.Value.DefaultBehavior;
    private readonly IFileProvider? _webRoot = environment?.WebRootFileProvider is { } provider and not NullFileProvider ? provider : null;

    public LegacySessionBehavior GetBehavior(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            // No endpoint matched: a file UseStaticFiles() serves later in the pipeline never takes the lock.
            return IsWebRootFile(context.Request) ? LegacySessionBehavior.Disabled : _default;
        }

        if (endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>() is { } page && HandlerBehavior(page, context) is { } handler)
        {
            return handler;
        }

        if (endpoint.Metadata.GetMetadata<LegacySessionAttribute>() is { } metadata)
        {
            return metadata.Behavior;
        }

        if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
        {
            return LegacySessionBehavior.Disabled;
        }

        // MapStaticAssets() with a build manifest answers a web-root file it has no descriptor for from a fallback
        // endpoint ({**path:file}), as MapFallbackToFile() does: serving a file needs no session. A fallback endpoint is the
        // one with the lowest possible order (int.MaxValue, set by every MapFallback… method).
        return endpoint is RouteEndpoint { Order: int.MaxValue } && IsWebRootFile(context.Request)
            ? LegacySessionBehavior.Disabled
            : _default;
    }

    /// <summary>
    /// The <see cref="LegacySessionAttribute"/> of the page handler the request selects, chosen as Razor Pages does: by
    /// HTTP method (<c>OnGet</c>, <c>OnPostAsync</c>; HEAD falls back to GET) and the <c>handler</c> route value or query
    /// parameter (<c>OnPostDelete</c> for <c>?handler=Delete</c>). <see langword="null"/> when no single handler matches or
    /// it has no attribute.
    /// </summary>
    private static LegacySessionBehavior? HandlerBehavior(CompiledPageActionDescriptor page, HttpContext context)
    {
        var name = context.Request.RouteValues.TryGetValue("handler", out var routeHandler) && routeHandler is string fromRoute && fromRoute.Length > 0
            ? fromRoute
            : context.Request.Query.TryGetValue("handler", out var fromQuery) && fromQuery.Count > 0 ? fromQuery[0] : null;
        var method = context.Request.Method;
        var selected = Select(page, method, name) ?? (HttpMethods.IsHead(method) ? Select(page, HttpMethods.Get, name) : null);
        return selected?.MethodInfo.GetCustomAttribute<LegacySessionAttribute>(inherit: true)?.Behavior;
    }

    private static HandlerMethodDescriptor? Select(CompiledPageActionDescriptor page, string method, string? name)
    {
        HandlerMethodDescriptor? found = null;
        foreach (var handler in page.HandlerMethods)
        {
            if (string.Equals(handler.HttpMethod, method, StringComparison.OrdinalIgnoreCase)
                && string.Equals(handler.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    return null; // ambiguous (OnGet and OnGetAsync): Razor Pages refuses it, the page's behaviour stays
                }

                found = handler;
            }
        }

        return found;
    }

    private bool IsWebRootFile(HttpRequest request)
    {
        if (_webRoot is null || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !request.Path.HasValue)
        {
            return false;
        }

        var file = _webRoot.GetFileInfo(request.Path.Value!);
        return file.Exists && !file.IsDirectory;
    }
}
