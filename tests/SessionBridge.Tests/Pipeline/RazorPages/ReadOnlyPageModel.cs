using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SessionBridge.Tests.Pipeline.RazorPages;

/// <summary>A page that reads the session only, with a POST handler that takes the exclusive lock and writes.</summary>
[LegacySession(LegacySessionBehavior.ReadOnly)]
[IgnoreAntiforgeryToken]
public sealed class ReadOnlyPageModel : SessionProbePageModel
{
    public Task<IActionResult> OnGetAsync() => ProbeAsync();

    [LegacySession(LegacySessionBehavior.Required)]
    public Task<IActionResult> OnPostAsync() => ProbeAsync();

    public Task<IActionResult> OnPostNamedAsync() => ProbeAsync();

    [LegacySession(LegacySessionBehavior.Disabled)]
    public IActionResult OnPostOff() => Content("disabled " + ((HttpContext.TryGetLegacySession() is null)), "text/plain");
}
