namespace SessionBridge.Session;

/// <summary>Stores values as they are: null, the 19 primitives and <c>SerializedObject</c>.</summary>
internal sealed class PassThroughSessionValueConverter : ISessionValueConverter
{
    public object? ToStored(string? key, object? value) => value;

    public object? FromStored(string? key, object? stored) => stored;
}
