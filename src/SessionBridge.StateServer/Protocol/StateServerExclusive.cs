
namespace SessionBridge.StateServer;

/// <summary>The <c>Exclusive</c> request header (System.Web's <c>StateProtocolExclusive</c>).</summary>
internal enum StateServerExclusive
{
    /// <summary>No header: a plain read.</summary>
    None = 0,

    /// <summary><c>Exclusive: acquire</c> (any case).</summary>
    Acquire = 1,

    /// <summary><c>Exclusive: release</c> (any case).</summary>
    Release = 2,

    /// <summary>The header carried another value.</summary>
    Invalid = 3,
}
