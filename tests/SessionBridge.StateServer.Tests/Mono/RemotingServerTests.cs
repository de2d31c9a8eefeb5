using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Tests.MonoStateServer;
using SessionBridge.StateServer.Tests.Infrastructure;

namespace SessionBridge.StateServer.Tests.Mono;

/// <summary>Our state server answering Mono's .NET Remoting protocol over real loopback sockets.</summary>
public sealed class RemotingServerTests
{
    private const string Id = "0EFB13FCD270B431CB7A1B84";

    /// <summary>An id no recorded call names, so no mutated call touches it.</summary>
    private const string Canary = "CA4A41E5CA4A41E5CA4A41E5";

    [Fact]
    public async Task RecordedExchanges_ReplayedInOrder_GetEquivalentAnswers()
    {
        await using var server = InProcessServer.Start(TimeProvider.System);
        await using var connection = await RemotingConnection.OpenAsync(server.Port);
        var compared = 0;
        foreach (var exchange in MonoRecordings.Exchanges())
        {
            var requests = MonoRecordings.Frames(exchange.Request);
            await connection.SendAsync(exchange.Request);
            var recorded = exchange.Response is null ? [] : MonoRecordings.Frames(exchange.Response);
            for (var i = 0; i < requests.Count; i++)
            {
                var call = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(requests[i].Body, RemotingLimits.Default));
                var ours = await connection.ReadFrameAsync();
                Assert.NotNull(ours);
                Assert.Equal(RemotingOperation.Reply, ours.Operation);
                var message = NrbfMessageReader.Read(ours.Body, RemotingLimits.Default);
                if (i >= recorded.Count)
                {
                    continue;
                }

                var theirs = NrbfMessageReader.Read(recorded[i].Body, RemotingLimits.Default);
                if (call.Method == MonoStateServerMethod.GetItem)
                {
                    var a = MonoStateServerMessages.ReadGetItemReply(message);
                    var b = MonoStateServerMessages.ReadGetItemReply(theirs);
                    var where = $"step {exchange.Step} exchange {exchange.Index}";
                    Assert.True(b.Locked == a.Locked, where + ": locked");
                    Assert.True(b.LockId == a.LockId, where + $": lock id {a.LockId} vs Mono's {b.LockId}");
                    Assert.Equal(b.Actions, a.Actions);
                    Assert.True((b.Item is null) == (a.Item is null), where + ": item presence");
                    if (b.Item is not null)
                    {
                        Assert.Equal(b.Item.CollectionData, a.Item!.CollectionData);
                        Assert.Equal(b.Item.StaticObjectsData, a.Item.StaticObjectsData);
                        Assert.Equal(b.Item.Timeout, a.Item.Timeout);
                        Assert.Equal(b.Item.LockId, a.Item.LockId);
                        Assert.Equal(b.Item.Locked, a.Item.Locked);
                    }

                    if (b.Locked)
                    {
                        Assert.True(a.LockAge >= TimeSpan.Zero);
                    }
                    else
                    {
                        Assert.Equal(b.LockAge, a.LockAge);
                    }
                }
                else
                {
                    // Void replies carry nothing but a Null per parameter: identical bytes.
                    MonoStateServerMessages.ReadVoidReply(message, call.Method);
                    Assert.Equal(recorded[i].Body, ours.Body);
                }

                compared++;
            }
        }

        Assert.True(compared >= 34, $"compared {compared} answers");
    }

    [Fact]
    public async Task Lock_HeldByOneConnection_IsReportedToAnother_UntilReleased()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = InProcessServer.Start(time);
        await using var a = await RemotingConnection.OpenAsync(server.Port);
        await using var b = await RemotingConnection.OpenAsync(server.Port);
        await a.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [0, 0, 0, 0], LockId = int.MinValue, Timeout = 20, NewItem = true });
        var held = await a.GetItemAsync(server.Port, Id, exclusive: true);
        Assert.NotNull(held.Item);
        Assert.Equal(int.MinValue + 1, held.LockId);

        time.Advance(TimeSpan.FromSeconds(3));
        var waiting = await b.GetItemAsync(server.Port, Id, exclusive: true);
        Assert.True(waiting.Locked);
        Assert.Null(waiting.Item);
        Assert.Equal(held.LockId, waiting.LockId);
        Assert.Equal(TimeSpan.FromSeconds(3), waiting.LockAge);

        // A write with a stale lock id is ignored (Mono's semantics); the holder's write releases.
        await b.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [9], LockId = 12345, Timeout = 20 });
        Assert.True((await b.GetItemAsync(server.Port, Id, exclusive: false)).Locked);
        await a.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [1, 0, 0, 0], LockId = held.LockId, Timeout = 20 });
        var read = await b.GetItemAsync(server.Port, Id, exclusive: false);
        Assert.False(read.Locked);
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, read.Item!.CollectionData);
    }

    [Fact]
    public async Task Remove_IgnoresTheLockId_AndExpiredItemsAreGone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = InProcessServer.Start(time);
        await using var c = await RemotingConnection.OpenAsync(server.Port);
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [0, 0, 0, 0], LockId = int.MinValue, Timeout = 1, NewItem = true });
        _ = await c.GetItemAsync(server.Port, Id, exclusive: true);
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.Remove, SessionId = Id, LockId = 42 });
        Assert.Null((await c.GetItemAsync(server.Port, Id, exclusive: false)).Item);

        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.CreateUninitializedItem, SessionId = Id, Timeout = 1 });
        var uninitialized = await c.GetItemAsync(server.Port, Id, exclusive: false);
        Assert.Equal(SessionStateActions.InitializeItem, uninitialized.Actions);
        Assert.Null(uninitialized.Item!.CollectionData);
        time.Advance(TimeSpan.FromSeconds(59));
        await c.CallVoidAsync(server.Port, new MonoStateServerCall { Method = MonoStateServerMethod.ResetItemTimeout, SessionId = Id });
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull((await c.GetItemAsync(server.Port, Id, exclusive: false)).Item);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null((await c.GetItemAsync(server.Port, Id, exclusive: false)).Item);
    }

    [Fact]
    public async Task KeyPrefix_SeparatesNamespaces_AndBothProtocolsShareThePort()
    {
        await using var prefixed = InProcessServer.Start(TimeProvider.System, o => o.MonoKeyPrefix = "shop/");
        await using var c = await RemotingConnection.OpenAsync(prefixed.Port);
        await c.CallVoidAsync(prefixed.Port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [0, 0, 0, 0], LockId = int.MinValue, Timeout = 20, NewItem = true });
        Assert.NotNull((await c.GetItemAsync(prefixed.Port, Id, exclusive: false)).Item);

        // The same port still answers [MS-ASP].
        await using var http = await RawConnection.OpenAsync(prefixed.Port);
        await http.SendAsync("GET /LM/W3SVC/1/ROOT(x)/abc HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var response = await http.ReadResponseAsync(TestContext.Current.CancellationToken);
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task HostileInput_100000MutatedFramesAndCalls_AreRejected_NoTypeLoaded_ServerKeepsServing()
    {
        await using var server = InProcessServer.Start(TimeProvider.System);
        var port = server.Port;
        await using (var warm = await RemotingConnection.OpenAsync(port))
        {
            await warm.CallVoidAsync(port, new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Canary, CollectionData = [0, 0, 0, 0], LockId = int.MinValue, Timeout = 20, NewItem = true });
        }

        var seeds = MonoRecordings.Exchanges().SelectMany(e => MonoRecordings.Frames(e.Request))
            .Select(f => Frame(f.Body))
            .Concat(Gadgets(port))
            .ToArray();
        var loaded = new ConcurrentBag<string>();
        void OnLoad(object? sender, AssemblyLoadEventArgs e) => loaded.Add(e.LoadedAssembly.GetName().Name ?? "?");
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        AppDomain.CurrentDomain.AssemblyLoad += OnLoad;
        var rejected = 0;
        var answered = 0;
        try
        {
            const int Total = 100_000;
            const int Workers = 4;
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                RemotingConnection? connection = null;
                try
                {
                    for (var i = w; i < Total; i += Workers)
                    {
                        connection ??= await RemotingConnection.OpenAsync(port);
                        var message = Mutate(seeds[random.Next(seeds.Length)], random);
                        await connection.SendAsync(message);
                        var reply = await connection.ReadFrameAsync();
                        if (reply is null)
                        {
                            Interlocked.Increment(ref rejected);
                            await connection.DisposeAsync();
                            connection = null;
                        }
                        else
                        {
                            Interlocked.Increment(ref answered);

                            // A mutation the server accepted must still be a well-formed call; the connection goes on.
                            _ = NrbfMessageReader.Read(reply.Body, RemotingLimits.Default);
                        }
                    }
                }
                finally
                {
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                    }
                }
            })));
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyLoad -= OnLoad;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(100_000, rejected + answered);
        Assert.True(rejected > 50_000, $"only {rejected} of 100000 mutated messages were rejected");
        Assert.DoesNotContain(loaded, name => name.Contains("PresentationFramework", StringComparison.OrdinalIgnoreCase)
            || name.Contains("System.Diagnostics.Process", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Gadget", StringComparison.OrdinalIgnoreCase));
        Assert.True(after - before < 64 * 1024 * 1024, $"managed memory grew by {(after - before) / 1024 / 1024} MiB");

        await using var check = await RemotingConnection.OpenAsync(port);
        var item = await check.GetItemAsync(port, Canary, exclusive: false);
        Assert.NotNull(item.Item);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, item.Item.CollectionData);
    }

    [Fact]
    public async Task GadgetStreams_AreRejected_AndNeverLoadTheirTypes()
    {
        await using var server = InProcessServer.Start(TimeProvider.System);
        var loaded = new ConcurrentBag<string>();
        void OnLoad(object? sender, AssemblyLoadEventArgs e) => loaded.Add(e.LoadedAssembly.FullName ?? "?");
        AppDomain.CurrentDomain.AssemblyLoad += OnLoad;
        try
        {
            foreach (var gadget in Gadgets(server.Port))
            {
                await using var c = await RemotingConnection.OpenAsync(server.Port);
                await c.SendAsync(gadget);
                Assert.Null(await c.ReadFrameAsync());
            }
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyLoad -= OnLoad;
        }

        Assert.DoesNotContain(loaded, name => name.Contains("GadgetLibrary", StringComparison.Ordinal) || name.Contains("PresentationFramework", StringComparison.Ordinal));
    }

    /// <summary>
    /// Valid BinaryFormatter-style streams naming types the server must never load: a bare class record as the body,
    /// and a SetAndReleaseItemExclusive whose collectionData argument is such a class.
    /// </summary>
    private static IEnumerable<byte[]> Gadgets(int port)
    {
        // Header, BinaryLibrary 2 "PresentationFramework…", ClassWithMembersAndTypes 1 ObjectDataProvider { MethodName: string }, MessageEnd.
        var bare = new List<byte> { 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0 };
        bare.AddRange(Library(2, "PresentationFramework, Version=4.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35"));
        bare.AddRange(GadgetClass(1, 2));
        bare.Add(11);
        yield return Frame([.. bare]);

        // The same class inside a method call, in the collectionData slot.
        var call = MonoStateServerMessages.WriteCall(new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = Id, CollectionData = [1, 2, 3], LockId = 1, Timeout = 20 });
        var arrayAt = call.AsSpan().IndexOf(new byte[] { 15, 5, 0, 0, 0 });
        var withGadget = call[..arrayAt].Concat(Library(9, "GadgetLibrary, Version=1.0.0.0")).Concat(GadgetClass(5, 9)).Append((byte)11).ToArray();
        yield return Frame(withGadget);
        var writer = new ArrayBufferWriter<byte>();
        RemotingFrameWriter.WriteRequest(writer, $"tcp://127.0.0.1:{port}/StateServer", withGadget);
        yield return writer.WrittenSpan.ToArray();
    }

    private static byte[] Library(int id, string name)
    {
        var bytes = new List<byte> { 12 };
        bytes.AddRange(BitConverter.GetBytes(id));
        bytes.AddRange(Lps(name));
        return [.. bytes];
    }

    private static byte[] GadgetClass(int id, int library)
    {
        var bytes = new List<byte> { 5 };
        bytes.AddRange(BitConverter.GetBytes(id));
        bytes.AddRange(Lps("System.Windows.Data.ObjectDataProvider"));
        bytes.AddRange(BitConverter.GetBytes(1));
        bytes.AddRange(Lps("MethodName"));
        bytes.Add(1);
        bytes.AddRange(BitConverter.GetBytes(library));
        bytes.Add(6);
        bytes.AddRange(BitConverter.GetBytes(id + 100));
        bytes.AddRange(Lps("Start"));
        return [.. bytes];
    }

    private static byte[] Lps(string value)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        return [(byte)utf8.Length, .. utf8];
    }

    private static byte[] Frame(byte[] body)
    {
        var writer = new ArrayBufferWriter<byte>();
        RemotingFrameWriter.WriteRequest(writer, "tcp://127.0.0.1:1/StateServer", body);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Flips, overwrites, inserts or cuts bytes of the body, or flips one of the frame's fixed bytes (preamble, version,
    /// distribution); the content length always says what was sent, so no mutation merely waits.
    /// </summary>
    private static readonly int[] FrameBytes = [1, 2, 3, 4, 5, 8, 9];

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var bodyStart = bytes.Length - BitConverter.ToInt32(bytes, 10);
        switch (random.Next(5))
        {
            case 0:
                // Not byte 0 (a connection not starting with '.' is [MS-ASP]) and not the operation (one-way gets no reply).
                bytes[FrameBytes[random.Next(FrameBytes.Length)]] ^= (byte)random.Next(1, 256);
                break;
            case 1:
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(bodyStart, bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                break;
            case 2:
                bytes[random.Next(bodyStart, bytes.Length)] = (byte)(random.Next(2) == 0 ? 0xFF : random.Next(256));
                break;
            case 3:
                bytes = bytes[..random.Next(bodyStart, bytes.Length)];
                break;
            default:
                var insert = random.Next(bodyStart, bytes.Length);
                bytes = [.. bytes[..insert], (byte)random.Next(256), .. bytes[insert..]];
                break;
        }

        BitConverter.TryWriteBytes(bytes.AsSpan(10), bytes.Length - bodyStart);
        return bytes;
    }
}
