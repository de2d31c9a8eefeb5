
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>A MemberReference record while a message is read; replaced by the object it names before the reader returns.</summary>
internal readonly record struct NrbfReference(int Id);
