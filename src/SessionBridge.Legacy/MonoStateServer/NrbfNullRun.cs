
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>An ObjectNullMultiple(256) record inside an object array: that many null elements.</summary>
internal readonly record struct NrbfNullRun(int Count);
