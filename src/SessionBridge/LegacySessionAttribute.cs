namespace SessionBridge;

/// <summary>
/// Endpoint metadata that says how the endpoint uses the session: put it on a controller, an action or a Razor Page,
/// or add it to a minimal API or route group with <c>.WithLegacySession(...)</c>. The innermost one wins.
/// </summary>
/// <param name="behavior">The behaviour.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class LegacySessionAttribute(LegacySessionBehavior behavior) : Attribute
{
    /// <summary>The behaviour.</summary>
    public LegacySessionBehavior Behavior { get; } = behavior;
}
