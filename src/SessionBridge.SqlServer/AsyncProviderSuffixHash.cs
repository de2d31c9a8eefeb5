namespace SessionBridge.SqlServer;

/// <summary>
/// How Microsoft.AspNet.SessionState.SqlSessionStateProviderAsync turns the application id into the 8 upper-case hex
/// digits it appends to every session id (<c>AppDomainAppId.GetHashCode().ToString("X8")</c>, or since 2025 a
/// deterministic hash); only used with the async provider's compatibility modes.
/// </summary>
public enum AsyncProviderSuffixHash
{
    /// <summary>
    /// <c>String.GetHashCode()</c> of .NET Framework 4.x in a 64-bit process (an IIS application pool without
    /// "Enable 32-Bit Applications"): the releases of the provider up to 2.0. The default.
    /// </summary>
    NetFramework64Bit,

    /// <summary><c>String.GetHashCode()</c> of .NET Framework 4.x in a 32-bit process ("Enable 32-Bit Applications" = true).</summary>
    NetFramework32Bit,

    /// <summary>
    /// The provider's <c>GetDeterministicHashCode()</c>, which replaced <c>GetHashCode()</c> in its sources in March 2025
    /// (the same value in 32- and 64-bit processes).
    /// </summary>
    Deterministic,
}
