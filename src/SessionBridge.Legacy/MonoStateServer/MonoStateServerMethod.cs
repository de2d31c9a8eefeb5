
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>The six methods of Mono's <c>System.Web.SessionState.RemoteStateServer</c> (../spec/mono-legacy.md §1).</summary>
internal enum MonoStateServerMethod
{
    GetItem,
    SetAndReleaseItemExclusive,
    ReleaseItemExclusive,
    Remove,
    ResetItemTimeout,
    CreateUninitializedItem,
}
