using System.Buffers;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Store;

/// <summary>
/// For the same operations, our client sends the same request line and the same header names and values as the
/// vectors' requests (header order may differ; Host carries our port; lock cookies are the ones our server granted).
/// </summary>
public sealed class ClientRequestVectorTests
{
    [Fact]
    public async Task ClientRequests_MatchTheVectors()
    {
        var ct = TestContext.Current.CancellationToken;
        var vectors = Exchange.LoadAll().ToDictionary(e => e.Id);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        await using var server = InProcessServer.Start(time);
        await using var proxy = new RecordingProxy(server.Port);
        using var store = new StateServerSessionStore(
            new StateServerStoreOptions { ConnectionString = $"tcpip=127.0.0.1:{proxy.Port}", ApplicationId = "/LM/W3SVC/1/ROOT/MyApp" }, time);
        var host = "127.0.0.1:" + proxy.Port;
        var blob50 = SessionStateSerializer.Deserialize(vectors["1.04"].Body);
        var blob50b = SessionStateSerializer.Deserialize(vectors["1.12"].Body);

        const string Id = "abcdefghijklmnopqrstuvwx";
        await store.GetItemAsync(Id, exclusive: false, ct);
        AssertSame(vectors["1.01"], proxy.TakeSent(), host);
        await store.GetItemAsync(Id, exclusive: true, ct);
        AssertSame(vectors["1.02"], proxy.TakeSent(), host);
        await store.ResetItemTimeoutAsync(Id, ct);
        AssertSame(vectors["1.03"], proxy.TakeSent(), host);
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(Id, blob50, lockId: null, newItem: true, ct));
        AssertSame(vectors["1.04"], proxy.TakeSent(), host);
        await store.GetItemAsync(Id, exclusive: false, ct);
        AssertSame(vectors["1.05"], proxy.TakeSent(), host);
        var acquired = await store.GetItemAsync(Id, exclusive: true, ct);
        AssertSame(vectors["1.07"], proxy.TakeSent(), host);
        Assert.True(await store.SetAndReleaseItemExclusiveAsync(Id, blob50b, acquired.LockId, newItem: false, ct));
        AssertSame(vectors["1.12"], proxy.TakeSent(), host, acquired.LockId);
        acquired = await store.GetItemAsync(Id, exclusive: true, ct);
        proxy.TakeSent();
        await store.ReleaseItemExclusiveAsync(Id, acquired.LockId!, ct);
        AssertSame(vectors["1.16"], proxy.TakeSent(), host, acquired.LockId);

        const string Other = "q0w1e2r3t4y5u0i1o2p3a4s5";
        await store.SetAndReleaseItemExclusiveAsync(Other, blob50, null, newItem: true, ct);
        acquired = await store.GetItemAsync(Other, exclusive: true, ct);
        proxy.TakeSent();
        await store.RemoveItemAsync(Other, acquired.LockId!, ct);
        AssertSame(vectors["2.05"], proxy.TakeSent(), host, acquired.LockId);

        await store.CreateUninitializedItemAsync("aiaeqbqafqboaeebkycyqgyb", 20, ct);
        AssertSame(vectors["3.01"], proxy.TakeSent(), host);
    }

    private static void AssertSame(Exchange vector, byte[] sent, string host, string? lockId = null)
    {
        var expected = Parse(vector.RequestBytes(host, head => lockId is null ? head : ReplaceToken(head, lockId)));
        var actual = Parse(sent);
        Assert.Equal($"{expected.Method} {expected.Target}", $"{actual.Method} {actual.Target}");
        Assert.Equal(
            expected.Headers!.Select(h => $"{h.Key}: {h.Value}").Order(StringComparer.Ordinal),
            actual.Headers!.Select(h => $"{h.Key}: {h.Value}").Order(StringComparer.Ordinal));
        Assert.Equal(expected.Body, actual.Body);
    }

    private static string ReplaceToken(string head, string lockId) =>
        System.Text.RegularExpressions.Regex.Replace(head, @"Lock-Cookie: \d{7,}\r\n", "Lock-Cookie: " + lockId + "\r\n");

    private static StateServerRequest Parse(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var status = StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var request, out var error, keepHeaders: true);
        Assert.True(status == StateServerParseStatus.Complete, error);
        Assert.True(sequence.IsEmpty, "more than one request was sent");
        return request!;
    }
}
