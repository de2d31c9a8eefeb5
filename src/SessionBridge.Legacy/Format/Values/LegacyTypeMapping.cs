namespace SessionBridge.Legacy.Format.Values;

/// <summary>Fine-tunes how one mapped type's members meet the legacy type's serialized fields.</summary>
/// <typeparam name="T">The mapped type.</typeparam>
public sealed class LegacyTypeMapping<T>
{
    internal Dictionary<string, string> Renames { get; } = new(StringComparer.Ordinal);

    internal bool MatchesFullAssemblyName { get; private set; }

    /// <summary>
    /// Gives a member of <typeparamref name="T"/> the field name the legacy type's BinaryFormatter writes, e.g.
    /// <c>Field(nameof(Customer.DisplayName), "Name")</c>, or <c>Field(nameof(Address.Street), "&lt;Street&gt;k__BackingField")</c>
    /// when the legacy type has an auto-property and this type has a plain field.
    /// </summary>
    /// <param name="memberName">A field of <typeparamref name="T"/>, or an auto-property (its backing field is used).</param>
    /// <param name="legacyFieldName">The field name in the legacy stream.</param>
    public LegacyTypeMapping<T> Field(string memberName, string legacyFieldName)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberName);
        ArgumentException.ThrowIfNullOrEmpty(legacyFieldName);
        Renames[memberName] = legacyFieldName;
        return this;
    }

    /// <summary>
    /// Matches streams only when their assembly's full name (version, culture, public key token) equals the one given
    /// to <see cref="LegacyTypeMap.Map{T}"/>; by default only the simple name is compared.
    /// </summary>
    public LegacyTypeMapping<T> MatchFullAssemblyName()
    {
        MatchesFullAssemblyName = true;
        return this;
    }
}
