using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using SessionBridge.StateServer.Client;
using SessionBridge.Legacy.Tests.Vectors;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Protocol;

/// <summary>
/// The [MS-ASP] examples (ms-asp-examples.json) parse. Where the spec contradicts itself we follow one side:
/// <list type="bullet">
/// <item><c>Exclusive: acquire</c> (ABNF) vs <c>Acquire</c> (examples): both, values are case-insensitive.</item>
/// <item><c>LockCookie:</c> (ABNF) vs <c>Lock-Cookie:</c> (every request example): both accepted in requests; responses
/// are written as <c>LockCookie</c>, as Microsoft's managed server does.</item>
/// <item>Content-Length on bodiless GETs (section 4): ignored, per the GET ABNF, so the connection does not stall.</item>
/// <item>Bodies on 400/404/423 responses (section 4, 2.2.5.2): read by Content-Length and ignored by clients; our server
/// writes none on 423 (Microsoft's managed server: the RTM client leaks it).</item>
/// <item>LockDate/LockAge example values that look like FILETIME or Unix times: parsed as plain numbers; our server
/// writes .NET ticks of local time and whole seconds, as Microsoft's server code does.</item>
/// </list>
/// </summary>
public sealed class MsAspExampleTests
{
    public static TheoryData<string> ExampleIds() =>
        [.. VectorFiles.Load("ms-asp-examples.json")["examples"]!.AsArray().Select(e => e!["id"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void Example_Parses(string id)
    {
        var example = VectorFiles.Load("ms-asp-examples.json")["examples"]!.AsArray().Single(e => e!["id"]!.GetValue<string>() == id)!.AsObject();
        if (example["request_raw"] is JsonValue requestRaw)
        {
            var head = requestRaw.GetValue<string>();
            var request = ParseRequest(head, example["request_body"] as JsonObject);
            Assert.Equal("/w3svc/root/fxstatebvt(NDbkwGi0191wFdDv0yOUOobtHns=)/15hgq1uszp2tjt45lkwxmb55", request.Key);
            Assert.Equal(head.Split(' ')[0], request.Method);
            if (head.Contains("Exclusive: Acquire", StringComparison.Ordinal))
            {
                Assert.Equal(StateServerExclusive.Acquire, request.Exclusive);
            }

            if (head.Contains("Exclusive: release", StringComparison.Ordinal))
            {
                Assert.Equal(StateServerExclusive.Release, request.Exclusive);
            }

            if (head.Contains("Lock-Cookie: ", StringComparison.Ordinal))
            {
                Assert.True(request.LockCookie.IsNonNegativeInt32);
            }
        }

        if (example["response_raw"] is JsonValue responseRaw)
        {
            var head = responseRaw.GetValue<string>();
            var response = ParseResponse(head);
            Assert.Equal(int.Parse(head.AsSpan(9, 3), provider: null), response.Status);
            Assert.Equal("2.0.50727", response.AspNetVersion);
            if (head.Contains("LockCookie: ", StringComparison.Ordinal))
            {
                Assert.NotNull(response.LockCookie);
            }

            if (head.Contains("ActionFlags: 1", StringComparison.Ordinal))
            {
                Assert.True(response.ActionFlags);
            }
        }
    }

    [Fact]
    public void Responses_ParseTheSameSplitAtEveryByte_AndOneByteAtATime()
    {
        var raw = System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-AspNet-Version: 2.0.50727\r\nTimeout: 1200\r\nActionFlags: 1\r\nLockCookie: 19\r\n\r\nabc");
        for (var split = 0; split <= raw.Length; split++)
        {
            var chunks = new List<ReadOnlyMemory<byte>> { raw.AsMemory(0, split) };
            var prefix = Segments.Create(chunks);
            var status = StateServerResponseParser.TryParse(ref prefix, StateServerLimits.Default, out _, out _);
            Assert.Equal(split == raw.Length ? StateServerParseStatus.Complete : StateServerParseStatus.Incomplete, status);
            chunks.Add(raw.AsMemory(split));
            var whole = Segments.Create(chunks);
            Assert.Equal(StateServerParseStatus.Complete, StateServerResponseParser.TryParse(ref whole, StateServerLimits.Default, out var response, out _));
            Assert.Equal((200, 1200, true, 19, "abc"), (response!.Status, response.Timeout, response.ActionFlags, response.LockCookie, System.Text.Encoding.ASCII.GetString(response.Body.Span)));
        }

        var bytes = Segments.Create([.. raw.Select(b => (ReadOnlyMemory<byte>)new[] { b })]);
        Assert.Equal(StateServerParseStatus.Complete, StateServerResponseParser.TryParse(ref bytes, StateServerLimits.Default, out _, out _));
        Assert.True(bytes.IsEmpty);
    }

    [Fact]
    public void LockCookieSpelledAsInTheAbnf_IsAcceptedInARequest()
    {
        var request = ParseRequest("GET /k HTTP/1.1\r\nHost: h\r\nExclusive: release\r\nLockCookie: 7\r\n\r\n", null);
        Assert.Equal(7, request.LockCookie.Value);
    }

    private static StateServerRequest ParseRequest(string head, JsonObject? body)
    {
        var bytes = Encoding.ASCII.GetBytes(head);
        if (body?["declared_content_length"] is JsonValue declared && head.StartsWith("PUT", StringComparison.Ordinal))
        {
            // The spec prints a placeholder instead of the body; send as many bytes as it declares.
            bytes = [.. bytes, .. new byte[declared.GetValue<int>()]];
        }

        var sequence = new ReadOnlySequence<byte>(bytes);
        var status = StateServerRequestParser.TryParse(ref sequence, StateServerLimits.Default, out var request, out var error);
        Assert.True(status == StateServerParseStatus.Complete, error);
        Assert.True(sequence.IsEmpty);
        return request!;
    }

    private static StateServerResponse ParseResponse(string head)
    {
        var declared = head.Split("\r\n").Single(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal))["Content-Length: ".Length..];
        byte[] bytes = [.. Encoding.ASCII.GetBytes(head), .. new byte[int.Parse(declared, provider: null)]];
        var sequence = new ReadOnlySequence<byte>(bytes);
        var status = StateServerResponseParser.TryParse(ref sequence, StateServerLimits.Default, out var response, out var error);
        Assert.True(status == StateServerParseStatus.Complete, error);
        Assert.True(sequence.IsEmpty);
        return response!;
    }
}
