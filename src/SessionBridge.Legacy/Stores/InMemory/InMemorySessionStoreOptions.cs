namespace SessionBridge.Legacy.Stores.InMemory;

/// <summary>Options of the embedded in-memory session store.</summary>
public sealed class InMemorySessionStoreOptions
{
    /// <summary>
    /// How long a lock lives before the store frees it on its own, so a crashed holder never blocks a session for
    /// longer. <see langword="null"/> (the default) takes the middleware's <c>ExecutionTimeout</c> (110 seconds).
    /// </summary>
    public TimeSpan? LockTimeout { get; set; }

    /// <summary>
    /// The most sessions kept at once. When a new session would exceed it, expired sessions are removed first and then
    /// the unlocked session closest to expiry. <see langword="null"/> (the default) means no limit beyond expiry.
    /// </summary>
    public int? MaxSessions { get; set; }

    /// <summary>
    /// The session format the store holds its sessions in: Microsoft's whole blob, or Mono's item collection with the
    /// timeout beside it. <see langword="null"/> (the default) takes the format's dialect, which the middleware's
    /// <c>LegacyPlatform</c> selects (Microsoft's for <c>SystemWeb</c>, Mono's for <c>Mono</c>).
    /// </summary>
    public Format.LegacySessionDialect? Dialect { get; set; }

    /// <summary>How often expired sessions are swept away (default one minute). They are also removed when touched.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
