using System.Buffers;
using System.Text;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Protocol;

/// <summary>Random and mutated input never throws out of either parser, and nothing is consumed unless a message completes.</summary>
public sealed class ParserFuzzTests
{
    [Fact]
    public void RequestParser_OnRandomAndMutatedInput_NeverThrows_AndConsumesOnlyWholeRequests()
    {
        var random = new Random(42);
        var seeds = Exchange.LoadAll().Select(e => e.RequestBytes()).ToList();
        var limits = new StateServerLimits { MaxHeadLength = 2048, MaxBodyLength = 4096, MaxHeaderCount = 16 };
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = Input(random, seeds);
            var sequence = new ReadOnlySequence<byte>(bytes);
            var status = StateServerRequestParser.TryParse(ref sequence, limits, out var request, out var error);
            switch (status)
            {
                case StateServerParseStatus.Complete:
                    Assert.NotNull(request);
                    Assert.True(sequence.Length < bytes.Length);
                    Assert.True(request.Body.Length <= limits.MaxBodyLength);
                    _ = request.Key;
                    break;
                case StateServerParseStatus.Invalid:
                    Assert.False(string.IsNullOrEmpty(error));
                    break;
                default:
                    Assert.Equal(bytes.Length, sequence.Length);
                    Assert.True(bytes.Length < limits.MaxHeadLength + limits.MaxBodyLength + 4);
                    break;
            }
        }
    }

    [Fact]
    public void ResponseParser_OnRandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(43);
        var seeds = new List<byte[]>
        {
            Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-AspNet-Version: 4.0.30319\r\nTimeout: 20\r\nLockCookie: 2\r\n\r\nabc"),
            Encoding.ASCII.GetBytes("HTTP/1.1 423 Locked\r\nContent-Length: 0\r\nX-AspNet-Version: 4.0.30319\r\nLockCookie: 2\r\nLockAge: 3\r\nLockDate: 638400000000000000\r\n\r\n"),
            Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-AspNet-Version: 4.0.30319\r\n\r\n"),
        };
        var limits = new StateServerLimits { MaxHeadLength = 2048, MaxBodyLength = 4096, MaxHeaderCount = 16 };
        for (var i = 0; i < 50_000; i++)
        {
            var sequence = new ReadOnlySequence<byte>(Input(random, seeds));
            var status = StateServerResponseParser.TryParse(ref sequence, limits, out var response, out var error);
            Assert.True(status != StateServerParseStatus.Complete || response is not null);
            Assert.True(status != StateServerParseStatus.Invalid || !string.IsNullOrEmpty(error));
        }
    }

    private const string Interesting = "0123456789:\r\n -%";

    private static byte[] Input(Random random, List<byte[]> seeds)
    {
        if (random.Next(4) == 0)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            return bytes;
        }

        var mutated = (byte[])seeds[random.Next(seeds.Count)].Clone();
        for (var flips = random.Next(1, 6); flips > 0 && mutated.Length > 0; flips--)
        {
            var at = random.Next(mutated.Length);
            mutated[at] = random.Next(3) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)Interesting[random.Next(Interesting.Length)],
                _ => (byte)(mutated[at] ^ 0x20),
            };
        }

        return random.Next(5) == 0 ? mutated[..random.Next(mutated.Length + 1)] : mutated;
    }
}
