
namespace SessionBridge.Legacy.MonoStateServer;

/// <summary>[MS-NRTP] 2.2.3.3 OperationType of a TCP message frame.</summary>
internal enum RemotingOperation : ushort
{
    Request = 0,
    OneWayRequest = 1,
    Reply = 2,
}
