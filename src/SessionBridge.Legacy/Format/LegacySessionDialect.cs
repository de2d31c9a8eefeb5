namespace SessionBridge.Legacy.Format;

/// <summary>
/// Which System.Web wrote a store's session bytes: Microsoft's (.NET Framework) or Mono's re-implementation. The two
/// write the same items in different layouts, so a store's dialect is configured, never guessed from the bytes.
/// </summary>
public enum LegacySessionDialect
{
    /// <summary>
    /// Microsoft's System.Web: <c>SessionStateUtility</c>'s blob and <c>SessionStateItemCollection</c> with its offset
    /// table and <c>AltSerialization</c> type codes (<see cref="SessionStateSerializer"/>).
    /// </summary>
    Microsoft = 0,

    /// <summary>
    /// Mono's System.Web: <c>SessionStateItemCollection.Serialize</c> with <c>System.TypeCode</c> tags, GZip when
    /// compressed (<see cref="MonoSessionStateSerializer"/>).
    /// </summary>
    Mono = 1,
}
