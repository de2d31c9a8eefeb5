using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Server;

/// <summary>
/// Remote access is off by default: the server runs in its own network namespace, and a second namespace joined by a
/// veth pair gives a real non-loopback peer. Nothing outside this machine is addressed.
/// </summary>
[Collection(nameof(RemoteAccessTests))]
public sealed class RemoteAccessTests
{
    private const int Port = 42424;
    private const string Head = "HEAD %2fLM%2fW3SVC%2f1%2fROOT%2fApp(aA%3d%3d)%2fremoteaccessaaaaaaaaaaaa HTTP/1.1\r\nHost: h\r\n\r\n";

    [Fact(Timeout = 600_000)]
    public async Task ByDefault_ANonLoopbackPeerIsRefused_WhileLoopbackIsServed()
    {
        await using var pair = await NetworkNamespacePair.CreateAsync();
        var server = await pair.StartServerAsync("--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var local = await NetworkNamespacePair.ConnectFromAsync(pair.ServerNamespace, "127.0.0.1", Port, Head);
            Assert.StartsWith("HTTP/1.1 404 Not Found", local.Output, StringComparison.Ordinal);

            var remote = await NetworkNamespacePair.ConnectFromAsync(pair.ClientNamespace, NetworkNamespacePair.ServerAddress, Port, Head);
            Assert.True(remote.Refused, $"expected a refused connection (the server listens on loopback only), got {remote}");
        }
        finally
        {
            await NetworkNamespacePair.StopAsync(server);
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task WithAnAllowList_OnlyListedPeersAreServed_OthersAreClosedWithoutAnAnswer()
    {
        await using var pair = await NetworkNamespacePair.CreateAsync();
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var other = await pair.StartServerAsync("--port", port, "--allow-remote", "10.242.42.200");
        try
        {
            var unlisted = await NetworkNamespacePair.ConnectFromAsync(pair.ClientNamespace, NetworkNamespacePair.ServerAddress, Port, Head);
            Assert.True(unlisted.Answered, $"the port should be open to the network now, got {unlisted}");
            Assert.DoesNotContain("HTTP/1.1", unlisted.Output, StringComparison.Ordinal); // ... but this peer is not listed: closed unanswered
            var local = await NetworkNamespacePair.ConnectFromAsync(pair.ServerNamespace, "127.0.0.1", Port, Head);
            Assert.StartsWith("HTTP/1.1 404", local.Output, StringComparison.Ordinal);
        }
        finally
        {
            await NetworkNamespacePair.StopAsync(other);
        }

        foreach (var allowed in (string[])[NetworkNamespacePair.ClientAddress, "10.242.42.0/24"])
        {
            var server = await pair.StartServerAsync("--port", port, "--allow-remote", "10.242.42.200", "--allow-remote", allowed);
            try
            {
                var answer = await NetworkNamespacePair.ConnectFromAsync(pair.ClientNamespace, NetworkNamespacePair.ServerAddress, Port, Head);
                Assert.StartsWith("HTTP/1.1 404 Not Found", answer.Output, StringComparison.Ordinal);
            }
            finally
            {
                await NetworkNamespacePair.StopAsync(server);
            }
        }
    }
}
