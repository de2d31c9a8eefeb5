using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>The answer to <c>GetItem</c>: the item, or null with the lock state in the out parameters.</summary>
internal sealed class MonoStateServerReply
{
    public MonoStateServerItem? Item { get; init; }

    public bool Locked { get; init; }

    /// <summary><see cref="TimeSpan.MinValue"/> unless locked (Mono's initial value).</summary>
    public TimeSpan LockAge { get; init; } = TimeSpan.MinValue;

    /// <summary><see cref="int.MinValue"/> unless locked or just locked for the caller.</summary>
    public int LockId { get; init; } = int.MinValue;

    public SessionStateActions Actions { get; init; }
}
