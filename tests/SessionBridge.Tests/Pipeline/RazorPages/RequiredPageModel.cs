using Microsoft.AspNetCore.Mvc;

namespace SessionBridge.Tests.Pipeline.RazorPages;

/// <summary>A page that locks and writes the session, with a POST handler and a named handler that only read it.</summary>
[LegacySession(LegacySessionBehavior.Required)]
[IgnoreAntiforgeryToken]
public sealed class RequiredPageModel : SessionProbePageModel
{
    public Task<IActionResult> OnGetAsync() => ProbeAsync();

    [LegacySession(LegacySessionBehavior.ReadOnly)]
    public Task<IActionResult> OnPostAsync() => ProbeAsync();

    [LegacySession(LegacySessionBehavior.ReadOnly)]
    public Task<IActionResult> OnPostPeekAsync() => ProbeAsync();

    public Task<IActionResult> OnPostWriteAsync() => ProbeAsync();
}
