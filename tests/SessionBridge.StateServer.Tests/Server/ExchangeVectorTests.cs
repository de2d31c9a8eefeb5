using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Server;

/// <summary>
/// Every exchange of state-server-exchanges.json against our server over real sockets, in file order, each on its
/// numbered connection; time for the expiry group (G10, "t=…s") is driven by a fake clock.
/// </summary>
public sealed partial class ExchangeVectorTests
{
    /// <summary>
    /// Our answers where Microsoft's are undocumented (status null in the vectors), and why.
    /// </summary>
    private static readonly Dictionary<string, int> s_ourChoice = new()
    {
        ["5.11"] = 400, // Exclusive: bogus: neither acquire nor release; the managed server answers 400 to any header it cannot use.
        ["5.12"] = 200, // header names are case-insensitive (HTTP), so this is an acquire.
        ["6.07"] = 400, // Timeout: abc: the managed server's header parsing answers 400.
        ["6.08"] = 404, // ... so 6.07 stored nothing.
        ["7.05"] = 400, // Lock-Cookie: abc.
        ["7.08"] = 400, // 4294967295 is not a 32-bit cookie.
        ["8.06"] = 200, // a leading '/' and unescaped slashes name the same key as the %2f form (tolerant, spec §3.3).
        ["9.02"] = 400, // HTTP verbs are case-sensitive; 'get' is an unknown verb.
        ["9.03"] = 200, // Host is ignored, as on Microsoft's server.
        ["9.04"] = 200, // HTTP/1.0 requests are served like HTTP/1.1 ones.
        ["9.08"] = 400, // a PUT without Content-Length: [MS-ASP] makes it mandatory on Set_Request.
    };

    [Fact]
    public async Task EveryExchange_GetsMicrosoftsStatusAndResponseHeaderNames()
    {
        var exchanges = Exchange.LoadAll();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        await using var server = InProcessServer.Start(time);
        var connections = new Dictionary<int, RawConnection>();
        var cookies = new CookieMap(exchanges);
        var failures = new List<string>();
        DateTimeOffset? expiryStart = null;
        var answered = 0;
        var valuesChecked = 0;
        try
        {
            for (var i = 0; i < exchanges.Count; i++)
            {
                var exchange = exchanges[i];
                var match = TimeInTitle().Match(exchange.Title);
                if (match.Success)
                {
                    expiryStart ??= time.GetUtcNow();
                    var target = expiryStart.Value + TimeSpan.FromSeconds(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                    if (target > time.GetUtcNow())
                    {
                        time.Advance(target - time.GetUtcNow());
                    }
                }

                if (!connections.TryGetValue(exchange.Connection, out var connection))
                {
                    connection = connections[exchange.Connection] = await RawConnection.OpenAsync(server.Port);
                }

                // 9.10a and 9.10b go in one write (pipelining).
                var batch = new List<Exchange> { exchange };
                if (exchange.Id == "9.10a")
                {
                    batch.Add(exchanges[++i]);
                }

                var bytes = batch.SelectMany(e => e.RequestBytes(server.HostHeader, head => cookies.Rewrite(e, head))).ToArray();
                await connection.SendAsync(bytes, TestContext.Current.CancellationToken);
                foreach (var e in batch)
                {
                    var response = await connection.ReadResponseAsync(TestContext.Current.CancellationToken);
                    var expected = e.ExpectedStatus ?? s_ourChoice[e.Id];
                    if (response is null)
                    {
                        failures.Add($"{e.Id}: connection closed, expected {expected}");
                        connections.Remove(e.Connection);
                        await connection.DisposeAsync();
                        continue;
                    }

                    answered++;
                    if (response.LockCookie is { } granted && response.Status == 200)
                    {
                        cookies.Current[e.Connection] = granted;
                    }

                    var names = response.Headers!.Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
                    var expectedNames = ExpectedHeaderNames(e, expected);
                    if (response.Status != expected)
                    {
                        failures.Add($"{e.Id} ({e.Title}): status {response.Status}, expected {expected}");
                    }
                    else if (!names.SetEquals(expectedNames) || !e.ExpectedHeaders.All(names.Contains))
                    {
                        failures.Add($"{e.Id}: headers [{string.Join(", ", names)}], expected [{string.Join(", ", expectedNames)}] ⊇ [{string.Join(", ", e.ExpectedHeaders)}]");
                    }
                    else
                    {
                        // Values the vector's note states ("LockCookie: 3", "Timeout: 30", "ActionFlags: 1", "Content-Length: 0").
                        // The first mention of each header counts (8.09 also quotes the spec example's different value).
                        foreach (var value in ValueInNote().Matches(e.Note).DistinctBy(m => m.Groups[1].Value))
                        {
                            var actual = response.Headers!.FirstOrDefault(h => h.Key == value.Groups[1].Value).Value;
                            if (actual != value.Groups[2].Value)
                            {
                                failures.Add($"{e.Id}: {value.Groups[1].Value} is {actual ?? "absent"}, the vector's note says {value.Groups[2].Value}");
                            }

                            valuesChecked++;
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(100, exchanges.Count);
        Assert.Equal(exchanges.Count, answered);
        Assert.True(valuesChecked >= 20, $"only {valuesChecked} values were checked against the notes");
    }

    /// <summary>
    /// The header names Microsoft's server answers with (spec §3.5): Content-Length and X-AspNet-Version always;
    /// Timeout (+ ActionFlags once, + LockCookie on acquire) on a GET's 200; LockCookie, LockAge, LockDate on 423.
    /// </summary>
    private static HashSet<string> ExpectedHeaderNames(Exchange exchange, int status)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "Content-Length", "X-AspNet-Version" };
        var isGet = exchange.Head.StartsWith("GET ", StringComparison.Ordinal);
        var head = exchange.Head.ToUpperInvariant();
        var release = head.Contains("EXCLUSIVE: RELEASE", StringComparison.Ordinal);
        var acquire = head.Contains("EXCLUSIVE: ACQUIRE", StringComparison.Ordinal);
        if (status == 423)
        {
            names.UnionWith(["LockCookie", "LockAge", "LockDate"]);
        }
        else if (status == 200 && isGet && !release)
        {
            names.Add("Timeout");
            if (acquire)
            {
                names.Add("LockCookie");
            }
        }

        if (exchange.ExpectedHeaders.Contains("ActionFlags"))
        {
            names.Add("ActionFlags");
        }

        return names;
    }

    [GeneratedRegex(@"\b(LockCookie|Timeout|ActionFlags|Content-Length): (\d+)")]
    private static partial Regex ValueInNote();

    [GeneratedRegex(@"^t=(\d+)s ")]
    private static partial Regex TimeInTitle();
}
