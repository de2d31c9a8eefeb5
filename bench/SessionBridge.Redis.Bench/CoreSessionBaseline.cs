using System.Buffers.Binary;
using System.Text;
using StackExchange.Redis;

namespace SessionBridge.Redis.Bench;

/// <summary>
/// Bench-only stand-in for ASP.NET Core's session (DistributedSession) over Microsoft's RedisCache, issuing the same
/// commands (../shared/spec/aspnetcore-session-baseline.md §2.3, §3.3): load = <c>HMGET absexp sldexp data</c> then
/// <c>EXPIRE</c>; commit of a changed session = <c>HSET absexp sldexp data</c> + <c>EXPIRE</c> pipelined; commit of an
/// unchanged one = refresh (<c>HMGET absexp sldexp</c> then <c>EXPIRE</c>). No locks: last writer wins.
/// </summary>
internal sealed class CoreSessionBaseline(IDatabase db)
{
    private static readonly RedisValue[] s_loadFields = ["absexp", "sldexp", "data"];
    private static readonly RedisValue[] s_refreshFields = ["absexp", "sldexp"];
    private static readonly TimeSpan s_idle = TimeSpan.FromMinutes(20);

    public async Task<int> LoadAsync(string key)
    {
        var values = await db.HashGetAsync(key, s_loadFields);
        await db.KeyExpireAsync(key, s_idle);
        return values[2].IsNull ? 0 : ReadCounter((byte[])values[2]!);
    }

    public async Task CommitChangedAsync(string key, int counter)
    {
        var set = db.HashSetAsync(key, [new("absexp", -1), new("sldexp", s_idle.Ticks), new("data", WriteSession(counter))]);
        var expire = db.KeyExpireAsync(key, s_idle);
        await Task.WhenAll(set, expire);
    }

    public async Task RefreshAsync(string key)
    {
        await db.HashGetAsync(key, s_refreshFields);
        await db.KeyExpireAsync(key, s_idle);
    }

    // DistributedSession's serialization revision 2 with one entry "counter" = 4 big-endian bytes.
    private static byte[] WriteSession(int counter)
    {
        var key = Encoding.UTF8.GetBytes("counter");
        var blob = new byte[1 + 3 + 16 + 2 + key.Length + 4 + 4];
        blob[0] = 2;
        blob[3] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(20), (ushort)key.Length);
        key.CopyTo(blob, 22);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(22 + key.Length), 4);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(26 + key.Length), counter);
        return blob;
    }

    private static int ReadCounter(byte[] blob) => BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(blob.Length - 4));
}
