
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>[MS-NRBF] 2.2.1.1 MessageFlags (Mono writes the same bits: its MethodFlags in byte 0, its ReturnTypeTag in byte 1).</summary>
[Flags]
internal enum NrbfMessageFlags
{
    NoArgs = 0x1,
    ArgsInline = 0x2,
    ArgsIsArray = 0x4,
    ArgsInArray = 0x8,
    NoContext = 0x10,
    ContextInline = 0x20,
    ContextInArray = 0x40,
    MethodSignatureInArray = 0x80,
    PropertiesInArray = 0x100,
    NoReturnValue = 0x200,
    ReturnValueVoid = 0x400,
    ReturnValueInline = 0x800,
    ReturnValueInArray = 0x1000,
    ExceptionInArray = 0x2000,
    GenericMethod = 0x8000,

    ArgsMask = NoArgs | ArgsInline | ArgsIsArray | ArgsInArray,
    ContextMask = NoContext | ContextInline | ContextInArray,
    ReturnMask = NoReturnValue | ReturnValueVoid | ReturnValueInline | ReturnValueInArray | ExceptionInArray,
    Known = ArgsMask | ContextMask | MethodSignatureInArray | PropertiesInArray | ReturnMask | GenericMethod,
}
