
namespace SessionBridge.StateServer.Client;

/// <summary>The header names of [MS-ASP] as they go on the wire (../spec/state-server-protocol.md §3.5).</summary>
internal static class StateServerHeaderNames
{
    public const string Host = "Host";
    public const string ContentLength = "Content-Length";
    public const string Exclusive = "Exclusive";

    /// <summary>The request spelling of the lock cookie (every [MS-ASP] request example).</summary>
    public const string RequestLockCookie = "Lock-Cookie";

    /// <summary>The response spelling of the lock cookie (no hyphen), also accepted in requests (the [MS-ASP] ABNF).</summary>
    public const string LockCookie = "LockCookie";
    public const string Timeout = "Timeout";
    public const string ExtraFlags = "ExtraFlags";
    public const string AspNetVersion = "X-AspNet-Version";
    public const string ActionFlags = "ActionFlags";
    public const string LockAge = "LockAge";
    public const string LockDate = "LockDate";
}
