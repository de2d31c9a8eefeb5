namespace SessionBridge;

/// <summary>Typed helpers over <see cref="ILegacySessionState"/>.</summary>
public static class LegacySessionStateExtensions
{
    /// <summary>The value under <paramref name="name"/> as <typeparamref name="T"/>, or <paramref name="defaultValue"/> when absent or of another type.</summary>
    public static T? Get<T>(this ILegacySessionState session, string name, T? defaultValue = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session[name] is T value ? value : defaultValue;
    }

    /// <summary>Whether the value under <paramref name="name"/> is a <typeparamref name="T"/>.</summary>
    public static bool TryGetValue<T>(this ILegacySessionState session, string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session[name] is T typed)
        {
            value = typed;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The string under <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static string? GetString(this ILegacySessionState session, string name) => session.Get<string>(name);

    /// <summary>The <see cref="int"/> under <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static int? GetInt32(this ILegacySessionState session, string name)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session[name] is int value ? value : null;
    }
}
