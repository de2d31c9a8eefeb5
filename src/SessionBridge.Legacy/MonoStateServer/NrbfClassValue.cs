
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>
/// A class record read from a method message: its names and member values as data. No type is ever looked up or
/// loaded for it; the protocol layer only compares the names with the few it expects.
/// </summary>
internal sealed class NrbfClassValue(string typeName, string? libraryName, string[] memberNames, object?[] values)
{
    public string TypeName { get; } = typeName;

    /// <summary>The library (assembly) name, or <see langword="null"/> for a system class (mscorlib).</summary>
    public string? LibraryName { get; } = libraryName;

    public string[] MemberNames { get; } = memberNames;

    public object?[] Values { get; } = values;

    /// <summary>Whether the class has a member of that name; its value in <paramref name="value"/>.</summary>
    public bool TryGet(string name, out object? value)
    {
        var index = Array.IndexOf(MemberNames, name);
        value = index >= 0 ? Values[index] : null;
        return index >= 0;
    }
}
