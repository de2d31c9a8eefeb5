namespace SessionBridge.Legacy.Format.Values;

/// <summary>Limits the decoder enforces on every NRBF stream, so a hostile value costs bounded time and memory.</summary>
public sealed class LegacyValueLimits
{
    /// <summary>The largest NRBF stream accepted, in bytes. Default 16 MiB.</summary>
    public int MaxPayloadLength { get; set; } = 16 * 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays accepted. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>The most array elements and object fields read from one stream, all records together. Default 1,000,000.</summary>
    public int MaxElements { get; set; } = 1_000_000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPayloadLength, 1, nameof(MaxPayloadLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxElements, 1, nameof(MaxElements));
    }
}
