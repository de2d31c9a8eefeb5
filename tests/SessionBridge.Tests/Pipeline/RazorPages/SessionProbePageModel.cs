using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using SessionBridge.Hosting;
using SessionBridge.Legacy.Stores;

namespace SessionBridge.Tests.Pipeline.RazorPages;

/// <summary>
/// What a handler sees of its session: whether it is read-only, whether the store shows it locked while the handler
/// runs (the exclusive lock taken for this request), and whether a write of <c>Count + 1</c> is accepted.
/// </summary>
public abstract class SessionProbePageModel : PageModel
{
    protected async Task<IActionResult> ProbeAsync()
    {
        var session = HttpContext.GetLegacySession();
        var store = HttpContext.RequestServices.GetRequiredService<LegacySessionStoreResolver>().Store;
        var seen = await store.GetItemAsync(session.SessionID, exclusive: false, HttpContext.RequestAborted);
        string write;
        try
        {
            session["Count"] = (session.GetInt32("Count") ?? 0) + 1;
            write = "written";
        }
        catch (InvalidOperationException)
        {
            write = "refused";
        }

        return Content($"readonly={session.IsReadOnly} locked={seen.Status == SessionStoreStatus.Locked} {write}", "text/plain");
    }
}
