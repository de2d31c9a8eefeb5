using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace SessionBridge.Redis.Middleware.Bench;

/// <summary>
/// Bench-only <see cref="IDistributedCache"/> that issues the commands Microsoft's RedisCache issues
/// (../shared/spec/aspnetcore-session-baseline.md): read = <c>HMGET absexp sldexp data</c> then <c>EXPIRE</c>; write =
/// <c>HSET absexp sldexp data</c> + <c>EXPIRE</c> pipelined; refresh = <c>HMGET absexp sldexp</c> then <c>EXPIRE</c>;
/// remove = <c>DEL</c>. Only sliding expiry, which is all ASP.NET Core's session uses.
/// </summary>
internal sealed class RedisCommandsCache(IConnectionMultiplexer connection) : IDistributedCache
{
    private static readonly RedisValue[] s_getFields = ["absexp", "sldexp", "data"];
    private static readonly RedisValue[] s_refreshFields = ["absexp", "sldexp"];

    private IDatabase Db => connection.GetDatabase();

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var values = await Db.HashGetAsync(key, s_getFields).WaitAsync(token);
        if (values[2].IsNull)
        {
            return null;
        }

        await SlideAsync(key, values[1], token);
        return (byte[])values[2]!;
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        var values = await Db.HashGetAsync(key, s_refreshFields).WaitAsync(token);
        await SlideAsync(key, values[1], token);
    }

    public void Remove(string key) => Db.KeyDelete(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => Db.KeyDeleteAsync(key).WaitAsync(token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var sliding = options.SlidingExpiration ?? TimeSpan.FromMinutes(20);
        var db = Db;
        var set = db.HashSetAsync(key, [new("absexp", -1), new("sldexp", sliding.Ticks), new("data", value)]);
        var expire = db.KeyExpireAsync(key, sliding);
        await Task.WhenAll(set, expire).WaitAsync(token);
    }

    private Task SlideAsync(string key, RedisValue slidingTicks, CancellationToken token) =>
        slidingTicks.IsNull || (long)slidingTicks <= 0
            ? Task.CompletedTask
            : Db.KeyExpireAsync(key, TimeSpan.FromTicks((long)slidingTicks)).WaitAsync(token);
}
