
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>One call of a <c>RemoteStateServer</c> method with its input arguments.</summary>
internal sealed class MonoStateServerCall
{
    public required MonoStateServerMethod Method { get; init; }

    public required string SessionId { get; init; }

    /// <summary><c>GetItem</c>: whether to lock.</summary>
    public bool Exclusive { get; init; }

    /// <summary>
    /// <c>SetAndReleaseItemExclusive</c>, <c>ReleaseItemExclusive</c>, <c>Remove</c>: the lock id (a boxed Int32 in the
    /// <c>object</c> parameter; <c>Remove</c> may send null, which Mono ignores).
    /// </summary>
    public int? LockId { get; init; }

    public byte[]? CollectionData { get; init; }

    public byte[]? StaticObjectsData { get; init; }

    /// <summary><c>SetAndReleaseItemExclusive</c>, <c>CreateUninitializedItem</c>: minutes.</summary>
    public int Timeout { get; init; }

    public bool NewItem { get; init; }

    /// <summary>How many parameters the method has (a reply carries one output slot per parameter).</summary>
    public int ParameterCount => MonoStateServerMessages.ParameterCount(Method);
}
