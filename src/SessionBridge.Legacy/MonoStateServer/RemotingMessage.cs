
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// An [MS-NRBF] BinaryMethodCall or BinaryMethodReturn with its call array resolved: method and type names, the
/// arguments (for a return, the output arguments: one slot per parameter), the return value or the exception.
/// </summary>
internal sealed class RemotingMessage
{
    public required bool IsReturn { get; init; }

    /// <summary>The MessageFlags ([MS-NRBF] 2.2.1.1).</summary>
    public required int Flags { get; init; }

    /// <summary>The method name (calls).</summary>
    public string? MethodName { get; init; }

    /// <summary>The server type's name (calls).</summary>
    public string? TypeName { get; init; }

    /// <summary>The arguments; empty when there are none.</summary>
    public required object?[] Args { get; init; }

    /// <summary>The return value (returns), <see langword="null"/> for void or null.</summary>
    public object? ReturnValue { get; init; }

    /// <summary>The exception the server returned instead of a result (a class record, never instantiated).</summary>
    public NrbfClassValue? Exception { get; init; }
}
