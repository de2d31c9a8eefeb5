namespace SessionBridge.Legacy;

/// <summary>Helpers for the messages SessionBridge composes from other components' text (exception messages, replies).</summary>
internal static class MessageText
{
    /// <summary>
    /// <paramref name="text"/> ending a sentence, so that the next sentence of a composed message does not run into it:
    /// socket and protocol messages often end without a full stop (<c>Connection refused</c>).
    /// </summary>
    public static string Sentence(string? text)
    {
        var trimmed = (text ?? string.Empty).TrimEnd();
        return trimmed.Length == 0 || trimmed.EndsWith('.') || trimmed.EndsWith('!') || trimmed.EndsWith('?') ? trimmed : trimmed + ".";
    }
}
