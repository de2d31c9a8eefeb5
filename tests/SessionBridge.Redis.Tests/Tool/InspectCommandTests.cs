using System.Text.Json.Nodes;
using SessionBridge.Legacy.Format;
using SessionBridge.Redis.Tests.Infrastructure;
using SessionBridge.Redis.Tests.Stores.Redis;
using SessionBridge.Tool;

namespace SessionBridge.Redis.Tests.Tool;

/// <summary><c>sessionbridge inspect</c> against a real redis-server.</summary>
public sealed class InspectCommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, TextReader.Null, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task LockedSession_PrintsLockTimeoutAndItemsAsDecodeDoes()
    {
        await using var store = StoreFactory.Create(fixture, o => o.ApplicationName = "/Shop");
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(30, new SessionStateItemCollection { ["UserName"] = "alice", ["Count"] = 3 }), null, newItem: true, Ct);
        var locked = await store.GetItemAsync(id, exclusive: true, Ct);

        var (code, stdout, stderr) = Run("inspect", "--redis", fixture.Server.Endpoint, "--app", "/Shop", id.ToUpperInvariant());

        Assert.True(code == 0, stderr);
        var report = JsonNode.Parse(stdout)!.AsObject();
        Assert.True((bool)report["found"]!);
        Assert.Equal(1800, (int)report["timeoutSeconds"]!);
        Assert.Equal(locked.LockId, (string?)report["lock"]!["value"]);
        Assert.True((double)report["lock"]!["ageSeconds"]! < 600);
        Assert.Equal("{/Shop_" + id + "}_SessionStateItemCollection", (string?)report["keys"]!["data"]);
        Assert.Equal("None", (string?)report["actions"]);
        var blob = SessionStateSerializer.SerializeItems(new SessionStateItemCollection { ["UserName"] = "alice", ["Count"] = 3 });
        Assert.Equal(Cli.Decode(blob, "itemCollection", compressed: false).ToJsonString(), report["session"]!.ToJsonString());
    }

    [Fact]
    public async Task Inspect_TakesNoLock_AndSlidesNoExpiry()
    {
        await using var store = StoreFactory.Create(fixture);
        var id = SessionId.Create();
        await store.CreateUninitializedItemAsync(id, 20, Ct);
        await fixture.Database.KeyExpireAsync(StoreFactory.Key(id, "SessionStateItemCollection"), TimeSpan.FromSeconds(30));

        var (code, stdout, _) = Run("inspect", "--redis", fixture.Server.Endpoint, id);

        Assert.Equal(0, code);
        var report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Null(report["lock"]);
        Assert.Equal("InitializeItem", (string?)report["actions"]);
        Assert.True((await fixture.Database.KeyTimeToLiveAsync(StoreFactory.Key(id, "SessionStateItemCollection")))!.Value.TotalSeconds <= 30);
        Assert.False(await fixture.Database.KeyExistsAsync(StoreFactory.Key(id, "WriteLock")));
    }

    [Fact]
    public async Task V2To4Layout_IsInspectedWithTheLayoutOption_AndUnparsableLocksAreFlagged()
    {
        await using var store = StoreFactory.Create(fixture, o => o.KeyLayout = RedisKeyLayout.V2To4);
        var id = SessionId.Create();
        await store.SetAndReleaseItemExclusiveAsync(id, new SessionStateData(20, new SessionStateItemCollection { ["a"] = "b" }), null, newItem: true, Ct);
        await fixture.Database.StringSetAsync(StoreFactory.Key(id, "Write_Lock"), "garbage");

        var (code, stdout, _) = Run("inspect", "--redis", fixture.Server.Endpoint, "--layout", "v2-4", id);

        Assert.Equal(0, code);
        var report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("b", (string?)report["session"]!["items"]![0]!["value"]);
        Assert.NotNull((string?)report["lock"]!["note"]);
        Assert.Null(report["lock"]!["ageSeconds"]);
    }

    [Fact]
    public void MissingSession_ExitsWith3_AndSaysSoInJson()
    {
        var id = SessionId.Create();
        var (code, stdout, _) = Run("inspect", "--redis", fixture.Server.Endpoint, id);

        Assert.Equal(3, code);
        Assert.False((bool)JsonNode.Parse(stdout)!["found"]!);
    }

    [Theory]
    [InlineData(2, "inspect", "aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData(2, "inspect", "--redis", "localhost:1")]
    [InlineData(2, "inspect", "--redis", "localhost:1", "--layout", "v9", "aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData(1, "inspect", "--redis", "localhost:1", "not-a-session-id")]
    public void BadUsage_FailsWithAClearMessage(int expected, params string[] args)
    {
        var (code, _, stderr) = Run(args);

        Assert.Equal(expected, code);
        Assert.StartsWith("sessionbridge: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableRedis_ExitsWith1()
    {
        var port = RedisServer.FreePort();
        var (code, _, stderr) = Run("inspect", "--redis", $"127.0.0.1:{port},connectTimeout=500,connectRetry=1", SessionId.Create());

        Assert.Equal(1, code);
        Assert.Contains("connect", stderr, StringComparison.OrdinalIgnoreCase);
    }
}
