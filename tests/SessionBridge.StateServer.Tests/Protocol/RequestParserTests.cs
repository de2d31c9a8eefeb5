using System.Buffers;
using System.Text;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Protocol;

public sealed class RequestParserTests
{
    public static TheoryData<string> ExchangeIds() => [.. Exchange.LoadAll().Select(e => e.Id)];

    [Theory]
    [MemberData(nameof(ExchangeIds))]
    public void EveryExchangeRequest_ParsesTheSameWhole_SplitAtEveryByte_AndOneByteAtATime(string id)
    {
        var exchange = Exchange.LoadAll().Single(e => e.Id == id);
        var bytes = exchange.RequestBytes();
        var whole = Describe(bytes, [bytes.Length]);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(whole, Describe(bytes, [split, bytes.Length - split]));
        }

        Assert.Equal(whole, Describe(bytes, [.. Enumerable.Repeat(1, bytes.Length)]));
        if (exchange.Id == "9.05")
        {
            Assert.StartsWith("invalid", whole, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("complete", whole, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExchangeRequests_CarryTheValuesSent()
    {
        var all = Exchange.LoadAll().ToDictionary(e => e.Id);
        var put = Parse(all["1.04"].RequestBytes());
        Assert.Equal(StateServerVerb.Put, put.Verb);
        Assert.Equal("/LM/W3SVC/1/ROOT/MyApp(jQwh9zcbl2NIvRjYbnYfGt0p4v07cVCkTm1eqxRi1UU=)/abcdefghijklmnopqrstuvwx", put.Key);
        Assert.Equal(50, put.Body.Length);
        Assert.Equal(20, put.Timeout.Value);
        Assert.Equal(0, put.LockCookie.Value);
        Assert.Equal(0, put.ExtraFlags.Value);
        Assert.Equal(StateServerExclusive.Acquire, Parse(all["1.07"].RequestBytes()).Exclusive);
        Assert.Equal(StateServerExclusive.Acquire, Parse(all["5.02"].RequestBytes()).Exclusive);
        Assert.Equal(StateServerExclusive.Release, Parse(all["5.07"].RequestBytes()).Exclusive);
        Assert.Equal(StateServerExclusive.Invalid, Parse(all["5.11"].RequestBytes()).Exclusive);
        Assert.Equal(StateServerExclusive.Acquire, Parse(all["5.12"].RequestBytes()).Exclusive);
        Assert.False(Parse(all["6.07"].RequestBytes()).Timeout.IsNumber);
        Assert.Equal(4294967295L, Parse(all["7.08"].RequestBytes()).LockCookie.Value);
        Assert.Equal(StateServerVerb.Unknown, Parse(all["9.02"].RequestBytes()).Verb);
        Assert.Equal(-1, Parse(all["9.08"].RequestBytes()).ContentLength);
    }

    [Fact]
    public void RequestTarget_WithOrWithoutLeadingSlash_AndEscapesInEitherCase_NameTheSameKey()
    {
        var all = Exchange.LoadAll().ToDictionary(e => e.Id);
        var key = Parse(all["8.02"].RequestBytes()).Key;
        Assert.Equal("/LM/W3SVC/1/ROOT/App(ab+cd=)/plusplusplusplusplusplus", key);
        Assert.Equal(key, Parse(all["8.05"].RequestBytes()).Key);
        Assert.Equal(key, Parse(all["8.06"].RequestBytes()).Key);
        Assert.NotEqual(key, Parse(all["8.03"].RequestBytes()).Key);
        Assert.NotEqual(key, Parse(all["8.04"].RequestBytes()).Key);
        Assert.NotEqual(key, Parse(all["8.07"].RequestBytes()).Key);
        Assert.Equal("/abc", Parse(all["9.09"].RequestBytes()).Key);
    }

    [Fact]
    public void PipelinedRequests_ParseOneAfterAnother()
    {
        var all = Exchange.LoadAll().ToDictionary(e => e.Id);
        byte[] bytes = [.. all["9.10a"].RequestBytes(), .. all["9.10b"].RequestBytes()];
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(StateServerParseStatus.Complete, StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var first, out _));
        Assert.Equal(StateServerParseStatus.Complete, StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var second, out _));
        Assert.Equal(StateServerVerb.Put, first!.Verb);
        Assert.Equal(StateServerVerb.Get, second!.Verb);
        Assert.True(sequence.IsEmpty);
    }

    [Theory]
    [InlineData("GET /k HTTP/1.1\nHost: x\r\n\r\n", "bare LF in the request line")]
    [InlineData("GET /k HTTP/1.1\r\nHost x\r\n\r\n", "header without colon")]
    [InlineData("GET /k HTTP/2.0\r\n\r\n", "version")]
    [InlineData("GET  /k HTTP/1.1\r\n\r\n", "double space")]
    [InlineData("GET /k\x01 HTTP/1.1\r\n\r\n", "control character in the target")]
    [InlineData("G(T /k HTTP/1.1\r\n\r\n", "verb is not a token")]
    [InlineData("GET /k HTTP/1.1\r\n Folded: x\r\n\r\n", "obsolete line folding")]
    [InlineData("PUT /k HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", "duplicate Content-Length")]
    [InlineData("PUT /k HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "negative Content-Length")]
    [InlineData("PUT /k HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", "non-numeric Content-Length")]
    [InlineData("GET /k HTTP/1.1\r\nX: a\x7f\r\n\r\n", "DEL in a header value")]
    [InlineData("HELLO\r\n\r\n", "no target")]
    public void MalformedRequests_AreInvalid(string request, string why)
    {
        var bytes = Encoding.Latin1.GetBytes(request);
        var sequence = new ReadOnlySequence<byte>(bytes);
        var status = StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out _, out var error);
        Assert.True(status == StateServerParseStatus.Invalid, why);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Limits_HeaderCount_HeadLength_AndBodySize_AreEnforced_AndConfigurable()
    {
        var limits = new StateServerLimits { MaxHeaderCount = 4, MaxHeadLength = 512, MaxBodyLength = 100 };
        var fourHeaders = "GET /k HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        Assert.Equal(StateServerParseStatus.Complete, Status(fourHeaders, limits));
        Assert.Equal(StateServerParseStatus.Invalid, Status("GET /k HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", limits));
        Assert.Equal(StateServerParseStatus.Invalid, Status("GET /k HTTP/1.1\r\nA: " + new string('a', 600) + "\r\n\r\n", limits));
        // A head that never ends is rejected once it passes the limit, not buffered without bound.
        Assert.Equal(StateServerParseStatus.Invalid, Status("GET /k HTTP/1.1\r\nA: " + new string('a', 600), limits));
        Assert.Equal(StateServerParseStatus.Incomplete, Status("GET /k HTTP/1.1\r\nA: " + new string('a', 100), limits));
        Assert.Equal(StateServerParseStatus.Complete, Status("PUT /k HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + new string('x', 100), limits));
        Assert.Equal(StateServerParseStatus.Invalid, Status("PUT /k HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits));
        Assert.Equal(StateServerParseStatus.Invalid, Status("PUT /k HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", limits));
    }

    [Fact]
    public void ContentLength_OnABodilessVerb_IsIgnored_SoTheConnectionDoesNotStall()
    {
        // [MS-ASP] section 4 prints Content-Length: 163/184 on GETs that carry no body (summary §7.6); we follow the
        // GET ABNF (no body) rather than the examples, as exchange 9.11/9.12 expects.
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("GET /k HTTP/1.1\r\nContent-Length: 163\r\n\r\nGET /k HTTP/1.1\r\n\r\n"));
        Assert.Equal(StateServerParseStatus.Complete, StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out _, out _));
        Assert.Equal(StateServerParseStatus.Complete, StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out _, out _));
    }

    internal static StateServerRequest Parse(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var status = StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var request, out var error);
        Assert.True(status == StateServerParseStatus.Complete, error);
        return request!;
    }

    private static StateServerParseStatus Status(string text, StateServerLimits limits)
    {
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        return StateServerRequestParser.TryParse(ref sequence, limits, out _, out _);
    }

    /// <summary>
    /// Feeds the bytes in chunks as a connection would: after each chunk the parser sees every chunk so far as one
    /// multi-segment sequence (one segment per chunk), and describes the outcome.
    /// </summary>
    private static string Describe(byte[] bytes, int[] chunks)
    {
        var received = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        foreach (var chunk in chunks)
        {
            received.Add(bytes.AsMemory(offset, chunk));
            offset += chunk;
            var sequence = Segments.Create(received);
            var status = StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var request, out var error);
            if (status == StateServerParseStatus.Invalid)
            {
                return "invalid " + error;
            }

            if (status == StateServerParseStatus.Complete)
            {
                if (offset != bytes.Length || !sequence.IsEmpty)
                {
                    return $"complete early at {offset}, {sequence.Length} left";
                }

                return $"complete {request!.Method} {request.Target} {request.Exclusive} {request.LockCookie} {request.Timeout} " +
                    $"{request.ExtraFlags} {request.ContentLength} {Convert.ToHexString(request.Body)} {request.IsHttp10}";
            }
        }

        return "incomplete";
    }
}
