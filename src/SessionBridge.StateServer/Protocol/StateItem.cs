
namespace SessionBridge.StateServer;

/// <summary>One stored item of the state server (the managed server's <c>CachedContent</c>). Guarded by locking the instance.</summary>
internal sealed class StateItem
{
    public required byte[] Data { get; set; }

    /// <summary>Minutes of sliding expiration; 0 never expires (ASP.NET Cache: zero sliding expiration is none).</summary>
    public int TimeoutMinutes { get; set; }

    public int ExtraFlags { get; set; }

    public bool Locked { get; set; }

    public int LockCookie { get; set; }

    public DateTimeOffset LockDateUtc { get; set; }

    /// <summary>When the item expires, as <see cref="DateTimeOffset.UtcTicks"/>; <see cref="long.MaxValue"/> for never.</summary>
    public long ExpiresAtUtcTicks { get; set; }

    /// <summary>Set once the item left the dictionary; a request that finds a removed item looks again.</summary>
    public bool Removed { get; set; }

    public void Touch(DateTimeOffset now) =>
        ExpiresAtUtcTicks = TimeoutMinutes == 0 ? long.MaxValue : now.UtcTicks + (TimeoutMinutes * TimeSpan.TicksPerMinute);
}
