using System.Net.Sockets;
using System.Text;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Server;

/// <summary>
/// Hostile input over real sockets: every malformed request gets 400 or a closed connection, the server keeps serving
/// others, and memory stays bounded; slow senders are cut off.
/// </summary>
public sealed class RobustnessTests
{
    private const string Target = "%2fLM%2fW3SVC%2f1%2fROOT%2fFuzz(aGFzaA%3d%3d)%2f";

    [Fact(Timeout = 240_000)]
    public async Task HundredThousandMalformedRequests_Get400OrAClosedConnection_WhileOthersAreServed_InBoundedMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o => o.RequestTimeout = TimeSpan.FromSeconds(5));
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sentinel = Task.Run(() => SentinelAsync(server.Port, stop.Token), ct);

        var semantic = new long[4];
        var framing = new long[4];
        var outcomes = new long[3]; // 400 answered, closed, other (must stay 0)
        var semanticWorkers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            await using var connection = await RawConnection.OpenAsync(server.Port);
            for (var batch = 0; batch < 225; batch++)
            {
                var requests = Enumerable.Range(0, 100).Select(_ => SemanticallyBad(random)).ToList();
                await connection.SendAsync([.. requests.SelectMany(r => r)], ct);
                for (var i = 0; i < requests.Count; i++)
                {
                    var response = await connection.ReadResponseAsync(ct);
                    Assert.NotNull(response);
                    Assert.Equal(400, response.Status);
                    Interlocked.Increment(ref outcomes[0]);
                    semantic[w]++;
                }
            }
        }, ct)).ToList();

        var framingWorkers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(2000 + w);
            for (var i = 0; i < 2_500; i++)
            {
                var outcome = await SendOnFreshConnectionAsync(server.Port, FramingBad(random, server.Port), ct);
                Assert.True(outcome is 400 or -1, $"a framing-invalid request got {outcome}");
                Interlocked.Increment(ref outcomes[outcome == 400 ? 0 : 1]);
                framing[w]++;
            }
        }, ct)).ToList();

        await Task.WhenAll([.. semanticWorkers, .. framingWorkers]);

        // Mutated real requests: anything may come back (a flipped byte can still be valid), but only a well-formed
        // answer or a close, and the server survives.
        var mutated = 0;
        var exchanges = Exchange.LoadAll();
        var mutationRandom = new Random(3000);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = exchanges[mutationRandom.Next(exchanges.Count)].RequestBytes(server.HostHeader);
            for (var flips = mutationRandom.Next(1, 4); flips > 0; flips--)
            {
                bytes[mutationRandom.Next(bytes.Length)] = (byte)mutationRandom.Next(256);
            }

            // Close the head in case the mutation broke its terminator, so the server must decide now.
            var outcome = await SendOnFreshConnectionAsync(server.Port, [.. bytes, .. "\r\n\r\n"u8], ct);
            Assert.True(outcome is -1 or 200 or 400 or 404 or 423, $"mutated request got {outcome}");
            mutated++;
        }

        await stop.CancelAsync();
        var served = await sentinel;
        var total = semantic.Sum() + framing.Sum();
        Assert.True(total >= 100_000, $"only {total} malformed requests were sent");
        Assert.Equal(total, outcomes[0] + outcomes[1]);
        Assert.True(served > 0, "the well-behaved client was not served during the flood");

        // Still serving, nothing stored by the flood beyond the sentinel's item and the mutations' few, memory bounded.
        await using (var after = await RawConnection.OpenAsync(server.Port))
        {
            await after.SendAsync(Encoding.ASCII.GetBytes($"HEAD {Target}nothing HTTP/1.1\r\nHost: h\r\n\r\n"), ct);
            Assert.Equal(404, (await after.ReadResponseAsync(ct))!.Status);
        }

        Assert.True(server.Engine.Count <= 1 + mutated, $"{server.Engine.Count} items stored");
        var growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        Assert.True(growth < 64L * 1024 * 1024, $"managed memory grew by {growth / 1024 / 1024} MiB");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"malformed: {semantic.Sum()} semantic (400, connection kept) + {framing.Sum()} framing (400 then close: {outcomes[0] - semantic.Sum()}, closed: {outcomes[1]}); " +
            $"mutated: {mutated}; sentinel round trips: {served}; managed memory growth: {growth / 1024} KiB");
    }

    [Fact(Timeout = 60_000)]
    public async Task SlowLoris_PartialHeadTrickledByteByByte_IsCutOffAfterTheRequestTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.IdleTimeout = TimeSpan.FromSeconds(60);
        });
        await using var connection = await RawConnection.OpenAsync(server.Port);
        var closed = connection.WaitForCloseAsync(TimeSpan.FromSeconds(45));
        await connection.SendAsync(Encoding.ASCII.GetBytes($"GET {Target}slow HTTP/1.1\r\nX-Slow: "), ct);
        var trickled = 0;
        while (!closed.IsCompleted && trickled < 400)
        {
            try
            {
                await connection.SendAsync("a"u8.ToArray(), ct);
            }
            catch (IOException)
            {
                break;
            }

            trickled++;
            await Task.Delay(50, ct);
        }

        Assert.True(await closed, "the server kept a trickling partial request open");
    }

    [Fact(Timeout = 60_000)]
    public async Task SlowLoris_PartialBody_IsCutOff_AndManyAtOnceDoNotStopOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.IdleTimeout = TimeSpan.FromSeconds(60);
        });
        var slow = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var c = await RawConnection.OpenAsync(server.Port);
                slow.Add(c);
                await c.SendAsync(Encoding.ASCII.GetBytes($"PUT {Target}body{i} HTTP/1.1\r\nContent-Length: 100\r\nTimeout: 20\r\n\r\n0123456789"), ct);
            }

            await using (var good = await RawConnection.OpenAsync(server.Port))
            {
                await good.SendAsync(Encoding.ASCII.GetBytes($"HEAD {Target}x HTTP/1.1\r\n\r\n"), ct);
                Assert.Equal(404, (await good.ReadResponseAsync(ct))!.Status);
            }

            foreach (var c in slow)
            {
                Assert.True(await c.WaitForCloseAsync(TimeSpan.FromSeconds(30)), "a partial body was kept open");
            }

            Assert.Equal(0, server.Engine.Count);
        }
        finally
        {
            foreach (var c in slow)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task IdleConnection_IsNotCutOffByTheRequestTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(200);
            o.IdleTimeout = TimeSpan.FromSeconds(60);
        });
        await using var connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(Encoding.ASCII.GetBytes($"HEAD {Target}x HTTP/1.1\r\n\r\n"), ct);
        Assert.Equal(404, (await connection.ReadResponseAsync(ct))!.Status);
        await Task.Delay(1_000, ct); // five request timeouts without a byte: only the idle timeout applies
        await connection.SendAsync(Encoding.ASCII.GetBytes($"HEAD {Target}x HTTP/1.1\r\n\r\n"), ct);
        Assert.Equal(404, (await connection.ReadResponseAsync(ct))!.Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        await using var server = InProcessServer.Start(TimeProvider.System, o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));
        await using var connection = await RawConnection.OpenAsync(server.Port);
        Assert.True(await connection.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = 60_000)]
    public async Task BodyAboveTheConfiguredMaximum_Gets400AndAClosedConnection_AtTheMaximumItIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o => o.MaxBodyBytes = 1000);
        await using (var connection = await RawConnection.OpenAsync(server.Port))
        {
            await connection.SendAsync([.. Encoding.ASCII.GetBytes($"PUT {Target}big HTTP/1.1\r\nContent-Length: 1000\r\nTimeout: 20\r\n\r\n"), .. new byte[1000]], ct);
            Assert.Equal(200, (await connection.ReadResponseAsync(ct))!.Status);
        }

        await using (var connection = await RawConnection.OpenAsync(server.Port))
        {
            await connection.SendAsync(Encoding.ASCII.GetBytes($"PUT {Target}bigger HTTP/1.1\r\nContent-Length: 1001\r\nTimeout: 20\r\n\r\n"), ct);
            var response = await connection.ReadResponseAsync(ct);
            Assert.Equal(400, response!.Status);
            Assert.Contains("1000", response.Message, StringComparison.Ordinal);
            Assert.True(await connection.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(1, server.Engine.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task ConnectionsAboveTheLimit_AreClosedOnAccept_AndTheOthersKeepWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = InProcessServer.Start(TimeProvider.System, o => o.MaxConnections = 2);
        await using var first = await RawConnection.OpenAsync(server.Port);
        await using var second = await RawConnection.OpenAsync(server.Port);
        var head = Encoding.ASCII.GetBytes($"HEAD {Target}x HTTP/1.1\r\n\r\n");
        await first.SendAsync(head, ct);
        Assert.Equal(404, (await first.ReadResponseAsync(ct))!.Status);
        await second.SendAsync(head, ct);
        Assert.Equal(404, (await second.ReadResponseAsync(ct))!.Status);
        Assert.True(await IsClosedOnAcceptAsync(server.Port), "a third connection was served above MaxConnections = 2");

        await first.SendAsync(head, ct);
        Assert.Equal(404, (await first.ReadResponseAsync(ct))!.Status);
    }

    /// <summary>Connects and waits; true when the server closed or reset the connection (a reset may already fail the connect).</summary>
    private static async Task<bool> IsClosedOnAcceptAsync(int port)
    {
        try
        {
            await using var connection = await RawConnection.OpenAsync(port);
            return await connection.WaitForCloseAsync(TimeSpan.FromSeconds(30));
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>A well-framed request the server must answer with 400 and keep the connection.</summary>
    private static byte[] SemanticallyBad(Random random)
    {
        var id = "k" + random.Next(1000);
        string Junk() => new([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('g', 'z' + 1))]);
        var body = new string('b', random.Next(0, 64));
        var text = random.Next(10) switch
        {
            0 => $"{(random.Next(2) == 0 ? "POST" : "X" + Junk().ToUpperInvariant())} {Target}{id} HTTP/1.1\r\nHost: h\r\n\r\n",
            1 => $"{(random.Next(2) == 0 ? "get" : "Put")} {Target}{id} HTTP/1.1\r\n\r\n",
            2 => $"PUT {Target}{id} HTTP/1.1\r\nContent-Length: {body.Length}\r\nTimeout: {(random.Next(3) switch { 0 => "-" + random.Next(1, 99999), 1 => (525601 + random.Next(1_000_000)).ToString(), _ => Junk() })}\r\n\r\n{body}",
            3 => $"PUT {Target}{id} HTTP/1.1\r\nContent-Length: {body.Length}\r\nLock-Cookie: {(random.Next(3) switch { 0 => "-" + random.Next(1, 99999), 1 => (2147483648L + random.Next()).ToString(), _ => Junk() })}\r\n\r\n{body}",
            4 => $"PUT {Target}{id} HTTP/1.1\r\nContent-Length: {body.Length}\r\nExtraFlags: {(random.Next(2) == 0 ? "-1" : Junk())}\r\n\r\n{body}",
            5 => $"GET {Target}{id} HTTP/1.1\r\nExclusive: {Junk()}\r\n\r\n",
            6 => $"GET {Target}{id} HTTP/1.1\r\nExclusive: release\r\n\r\n",
            7 => $"GET {Target}{id} HTTP/1.1\r\nExclusive: Release\r\nLock-Cookie: {Junk()}\r\n\r\n",
            8 => $"PUT {Target}{id} HTTP/1.1\r\nTimeout: 20\r\n\r\n",
            _ => $"DELETE {Target}{id} HTTP/1.1\r\nLock-Cookie: -{random.Next(1, 1000)}\r\n\r\n",
        };
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>Bytes that cannot be a valid request: the server answers 400 and closes, or just closes.</summary>
    private static byte[] FramingBad(Random random, int port)
    {
        switch (random.Next(9))
        {
            case 0:
            {
                // Random bytes that start with a byte no verb can start with, then an end of head.
                var bytes = new byte[random.Next(1, 512)];
                random.NextBytes(bytes);
                bytes[0] = (byte)random.Next(0, 0x20);
                return [.. bytes, .. "\r\n\r\n"u8];
            }

            case 1:
                return Encoding.ASCII.GetBytes($"GET {Target}x HTTP/1.1\r\nX-Long: {new string('a', 17 * 1024)}\r\n\r\n");
            case 2:
                return Encoding.ASCII.GetBytes($"GET {Target}x HTTP/1.1\r\n{string.Concat(Enumerable.Range(0, 40).Select(i => $"H{i}: v\r\n"))}\r\n");
            case 3:
                return Encoding.ASCII.GetBytes($"PUT {Target}x HTTP/1.1\r\nContent-Length: {17 * 1024 * 1024 + random.Next(1_000_000)}\r\n\r\n");
            case 4:
                return Encoding.ASCII.GetBytes($"GET {Target}x HTTP/{random.Next(2, 10)}.{random.Next(10)}\r\nHost: 127.0.0.1:{port}\r\n\r\n");
            case 5:
                return Encoding.ASCII.GetBytes($"GET {Target}x HTTP/1.1\nHost: h\r\n\r\n");
            case 6:
                return Encoding.ASCII.GetBytes($"GET {Target}x HTTP/1.1\r\nNoColonHere\r\n\r\n");
            case 7:
                return Encoding.ASCII.GetBytes($"PUT {Target}x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx");
            default:
                return Encoding.Latin1.GetBytes($"GET {Target}x\u0001\u00ff HTTP/1.1\r\n\r\n");
        }
    }

    /// <summary>Sends on a new connection; the status of the answer, or -1 when the server closed without one.</summary>
    private static async Task<int> SendOnFreshConnectionAsync(int port, byte[] bytes, CancellationToken ct)
    {
        await using var connection = await RawConnection.OpenAsync(port);
        try
        {
            await connection.SendAsync(bytes, ct);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (SocketException)
        {
            return -1;
        }

        var response = await connection.ReadResponseAsync(ct);
        return response?.Status ?? -1;
    }

    /// <summary>A well-behaved client doing PUT/acquire/PUT-release/GET round trips until stopped.</summary>
    private static async Task<int> SentinelAsync(int port, CancellationToken stop)
    {
        var served = 0;
        await using var connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(Encoding.ASCII.GetBytes($"PUT {Target}sentinel HTTP/1.1\r\nContent-Length: 4\r\nTimeout: 20\r\n\r\nbody"), CancellationToken.None);
        Assert.Equal(200, (await connection.ReadResponseAsync(CancellationToken.None))!.Status);
        while (!stop.IsCancellationRequested)
        {
            await connection.SendAsync(Encoding.ASCII.GetBytes($"GET {Target}sentinel HTTP/1.1\r\nExclusive: acquire\r\n\r\n"), CancellationToken.None);
            var acquired = (await connection.ReadResponseAsync(CancellationToken.None))!;
            Assert.Equal(200, acquired.Status);
            await connection.SendAsync(Encoding.ASCII.GetBytes($"PUT {Target}sentinel HTTP/1.1\r\nContent-Length: 4\r\nTimeout: 20\r\nLock-Cookie: {acquired.LockCookie}\r\n\r\nbody"), CancellationToken.None);
            Assert.Equal(200, (await connection.ReadResponseAsync(CancellationToken.None))!.Status);
            served++;
            try
            {
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return served;
    }
}
