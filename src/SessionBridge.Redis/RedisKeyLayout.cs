
namespace SessionBridge.Redis;

/// <summary>Which Microsoft.Web.RedisSessionStateProvider key layout the Redis store reads and writes.</summary>
public enum RedisKeyLayout
{
    /// <summary>
    /// Provider 5.x: <c>{app_id}_SessionStateItemCollection</c> (one STRING holding the bare item collection),
    /// <c>{app_id}_WriteLock</c> and <c>{app_id}_SessionTimeout</c> (a STRING with the timeout in seconds).
    /// </summary>
    V5,

    /// <summary>
    /// Provider 2.x–4.x: <c>{app_id}_Data</c> (a HASH with one BinaryFormatter value per item),
    /// <c>{app_id}_Write_Lock</c> and <c>{app_id}_Internal</c> (a HASH whose field <c>SessionTimeout</c> holds seconds).
    /// </summary>
    V2To4,
}
