using System.Buffers;
using SessionBridge.Legacy.Format;
using SessionBridge.Legacy.MonoStateServer;

namespace SessionBridge.Legacy.Tests.MonoStateServer;

public sealed class RemotingCodecTests
{
    public static IEnumerable<TheoryDataRow<int, int>> Exchanges => MonoRecordings.ExchangeIds();

    [Fact]
    public void Recordings_HoldEveryMethodMonoSends()
    {
        var methods = MonoRecordings.Exchanges()
            .SelectMany(e => MonoRecordings.Frames(e.Request))
            .Select(f => MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(f.Body, RemotingLimits.Default)).Method)
            .ToHashSet();
        Assert.Contains(MonoStateServerMethod.GetItem, methods);
        Assert.Contains(MonoStateServerMethod.SetAndReleaseItemExclusive, methods);
        Assert.Contains(MonoStateServerMethod.ReleaseItemExclusive, methods);
        Assert.Contains(MonoStateServerMethod.Remove, methods);
        Assert.Contains(MonoStateServerMethod.ResetItemTimeout, methods);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void RecordedRequest_ParsesToAStateServerCall_AndOurWriterWritesTheSameBytes(int step, int index)
    {
        var exchange = MonoRecordings.Get(step, index);
        foreach (var frame in MonoRecordings.Frames(exchange.Request))
        {
            Assert.Equal(RemotingOperation.Request, frame.Operation);
            Assert.Equal("application/octet-stream", frame.ContentType);
            Assert.Matches("^tcp://127\\.0\\.0\\.1:[0-9]+/StateServer$", frame.RequestUri);
            var call = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(frame.Body, RemotingLimits.Default));
            Assert.Matches("^[0-9A-F]{24}$", call.SessionId);

            // Our client's message for the same call is Mono's, byte for byte.
            Assert.Equal(Convert.ToHexString(frame.Body), Convert.ToHexString(MonoStateServerMessages.WriteCall(call)));

            var writer = new ArrayBufferWriter<byte>();
            RemotingFrameWriter.WriteRequest(writer, frame.RequestUri!, MonoStateServerMessages.WriteCall(call));
            var again = MonoRecordings.Frames(writer.WrittenSpan.ToArray()).Single();
            Assert.Equal(frame.Body, again.Body);
            Assert.Equal(frame.RequestUri, again.RequestUri);
        }
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void RecordedReply_ParsesForItsCall_AndOurWriterWritesTheSameBytes(int step, int index)
    {
        var exchange = MonoRecordings.Get(step, index);
        if (exchange.Response is null)
        {
            // The recording ends before the server answered (the last step); nothing to check.
            Assert.Equal(10, step);
            return;
        }

        var call = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(MonoRecordings.Frames(exchange.Request).Single().Body, RemotingLimits.Default));
        var frame = MonoRecordings.Frames(exchange.Response).Single();
        Assert.Equal(RemotingOperation.Reply, frame.Operation);
        var message = NrbfMessageReader.Read(frame.Body, RemotingLimits.Default);
        byte[] ours;
        if (call.Method == MonoStateServerMethod.GetItem)
        {
            var reply = MonoStateServerMessages.ReadGetItemReply(message);
            if (reply.Item is { } item)
            {
                Assert.False(reply.Locked);
                Assert.Equal(call.Exclusive ? item.LockId : int.MinValue, reply.LockId);
                Assert.NotNull(item.CollectionData);
            }

            ours = MonoStateServerMessages.WriteGetItemReply(reply);
        }
        else
        {
            MonoStateServerMessages.ReadVoidReply(message, call.Method);
            ours = MonoStateServerMessages.WriteVoidReply(call.Method);
        }

        Assert.Equal(Convert.ToHexString(frame.Body), Convert.ToHexString(ours));

        var writer = new ArrayBufferWriter<byte>();
        RemotingFrameWriter.WriteReply(writer, ours);
        Assert.Equal(Convert.ToHexString(exchange.Response), Convert.ToHexString(writer.WrittenSpan));
    }

    [Fact]
    public void LockedReply_CarriesTheHoldersLockIdAndAge()
    {
        var replies = MonoRecordings.Exchanges()
            .Where(e => e.Response is not null && MonoRecordings.Frames(e.Request).Count == 1)
            .Select(e => (Call: MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(MonoRecordings.Frames(e.Request)[0].Body, RemotingLimits.Default)), e.Response))
            .Where(p => p.Call.Method == MonoStateServerMethod.GetItem)
            .Select(p => MonoStateServerMessages.ReadGetItemReply(NrbfMessageReader.Read(MonoRecordings.Frames(p.Response!)[0].Body, RemotingLimits.Default)))
            .Where(r => r.Locked)
            .ToList();
        Assert.NotEmpty(replies);
        Assert.All(replies, r =>
        {
            Assert.Null(r.Item);
            Assert.True(r.LockAge > TimeSpan.Zero);
            Assert.NotEqual(int.MinValue, r.LockId);
        });
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void RecordedFrames_ReadTheSame_WholeSplitAtEveryByteAndOneByteAtATime(int step, int index)
    {
        var exchange = MonoRecordings.Get(step, index);
        foreach (var bytes in new[] { exchange.Request, exchange.Response }.OfType<byte[]>())
        {
            var expected = MonoRecordings.Frames(bytes).Select(f => Convert.ToHexString(f.Body)).ToList();
            for (var split = 1; split < bytes.Length; split++)
            {
                var sequence = TwoSegments(bytes, split);
                var bodies = new List<string>();
                while (RemotingFrameReader.TryRead(ref sequence, RemotingLimits.Default, out var frame))
                {
                    bodies.Add(Convert.ToHexString(frame!.Body));
                }

                Assert.Equal(0, sequence.Length);
                Assert.Equal(expected, bodies);
            }

            // One byte at a time: incomplete until each frame's last byte arrives.
            var received = new List<string>();
            var start = 0;
            for (var end = 1; end <= bytes.Length; end++)
            {
                var sequence = new ReadOnlySequence<byte>(bytes, start, end - start);
                if (RemotingFrameReader.TryRead(ref sequence, RemotingLimits.Default, out var frame))
                {
                    received.Add(Convert.ToHexString(frame!.Body));
                    Assert.Equal(0, sequence.Length);
                    start = end;
                }
            }

            Assert.Equal(expected, received);
        }
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public void TruncatedOrMutatedBodies_AreRejectedWithAProtocolExceptionOnly(int step, int index)
    {
        var exchange = MonoRecordings.Get(step, index);
        foreach (var bytes in new[] { exchange.Request, exchange.Response }.OfType<byte[]>())
        {
            var body = MonoRecordings.Frames(bytes)[0].Body;
            for (var length = 0; length < body.Length; length++)
            {
                Assert.Throws<RemotingProtocolException>(() => NrbfMessageReader.Read(body[..length], RemotingLimits.Default));
            }

            var random = new Random((step * 100) + index);
            for (var i = 0; i < body.Length; i++)
            {
                var mutated = (byte[])body.Clone();
                mutated[i] ^= (byte)random.Next(1, 256);
                try
                {
                    var message = NrbfMessageReader.Read(mutated, RemotingLimits.Default);
                    if (!message.IsReturn)
                    {
                        _ = MonoStateServerMessages.ReadCall(message);
                    }
                }
                catch (RemotingProtocolException)
                {
                    // Rejected, as it must be when the mutation breaks the message.
                }
            }
        }
    }

    [Fact]
    public void Frame_WithHostileLengthsOrWrongPreamble_IsRejected()
    {
        var limits = new RemotingLimits { MaxMessageBytes = 1024 };
        var huge = Frame(operation: 0, length: int.MaxValue);
        Assert.Throws<RemotingProtocolException>(() => Read(huge, limits));
        Assert.Throws<RemotingProtocolException>(() => Read(Frame(operation: 0, length: -1), limits));
        Assert.Throws<RemotingProtocolException>(() => Read(Frame(operation: 7, length: 0), limits));
        Assert.Throws<RemotingProtocolException>(() => Read("GET / HTTP/1.1\r\n"u8.ToArray(), limits));
        Assert.Throws<RemotingProtocolException>(() => Read("."u8.ToArray().Concat("X"u8.ToArray()).ToArray(), limits));

        // A header string claiming 2 GB is refused before anything is allocated.
        var header = Frame(operation: 0, length: 0)[..14].Concat(new byte[] { 4, 0, 1, 1, 0xFF, 0xFF, 0xFF, 0x7F }).ToArray();
        Assert.Throws<RemotingProtocolException>(() => Read(header, limits));

        // Chunked content is refused.
        var chunked = Frame(operation: 0, length: 0);
        chunked[8] = 1;
        Assert.Throws<RemotingProtocolException>(() => Read(chunked, limits));
    }

    [Fact]
    public void Message_WithHostileCountsOrUnknownRecords_IsRejected()
    {
        var call = MonoStateServerMessages.WriteCall(new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = "0EFB13FCD270B431CB7A1B84", Exclusive = true });
        var limits = RemotingLimits.Default;

        // The call array's length (after the type name) set to 2^31-1.
        var arrayAt = IndexOf(call, [16, 1, 0, 0, 0]);
        var hostile = (byte[])call.Clone();
        hostile[arrayAt + 5] = 0xFF;
        hostile[arrayAt + 6] = 0xFF;
        hostile[arrayAt + 7] = 0xFF;
        hostile[arrayAt + 8] = 0x7F;
        Assert.Throws<RemotingProtocolException>(() => NrbfMessageReader.Read(hostile, limits));

        // A BinaryArray record (7) where the call array belongs.
        var unknown = (byte[])call.Clone();
        unknown[arrayAt] = 7;
        Assert.Throws<RemotingProtocolException>(() => NrbfMessageReader.Read(unknown, limits));

        // Bytes after MessageEnd.
        Assert.Throws<RemotingProtocolException>(() => NrbfMessageReader.Read([.. call, 0], limits));
    }

    [Fact]
    public void Call_OfAnotherTypeOrMethod_IsRejectedWithoutLoadingAnything()
    {
        var message = new RemotingMessage { IsReturn = false, Flags = 0x42, MethodName = "GetItem", TypeName = "System.Diagnostics.Process, System", Args = ["A", true] };
        Assert.Throws<RemotingProtocolException>(() => MonoStateServerMessages.ReadCall(message));
        var unknownMethod = new RemotingMessage { IsReturn = false, Flags = 0x42, MethodName = "Start", TypeName = MonoStateServerMessages.ServerTypeName, Args = ["A"] };
        Assert.Throws<RemotingProtocolException>(() => MonoStateServerMessages.ReadCall(unknownMethod));
        var gadget = new RemotingMessage
        {
            IsReturn = false,
            Flags = 0x48,
            MethodName = "SetAndReleaseItemExclusive",
            TypeName = MonoStateServerMessages.ServerTypeName,
            Args = ["A", new NrbfClassValue("System.Windows.Data.ObjectDataProvider", "PresentationFramework", ["MethodName"], ["Start"]), null, 1, 20, false],
        };
        Assert.Throws<RemotingProtocolException>(() => MonoStateServerMessages.ReadCall(gadget));
    }

    [Fact]
    public void GetItemReply_RoundTripsAnItemWithStaticObjectsAndAnUninitializedItem()
    {
        var now = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        foreach (var item in new[]
        {
            new MonoStateServerItem { CollectionData = [1, 2, 3], StaticObjectsData = [4, 5], LastAccess = now, Timeout = 20, LockId = 7, Locked = true, LockedTime = now, Action = SessionStateActions.None },
            new MonoStateServerItem { LastAccess = now, Timeout = 5, LockId = int.MinValue, Action = SessionStateActions.InitializeItem },
        })
        {
            var bytes = MonoStateServerMessages.WriteGetItemReply(new MonoStateServerReply { Item = item, LockId = item.LockId, Actions = item.Action });
            var back = MonoStateServerMessages.ReadGetItemReply(NrbfMessageReader.Read(bytes, RemotingLimits.Default));
            Assert.Equal(item.CollectionData, back.Item!.CollectionData);
            Assert.Equal(item.StaticObjectsData, back.Item.StaticObjectsData);
            Assert.Equal(item.LastAccess, back.Item.LastAccess);
            Assert.Equal(item.Timeout, back.Item.Timeout);
            Assert.Equal(item.LockId, back.LockId);
            Assert.Equal(item.Action, back.Actions);
            Assert.Equal(item.Action, back.Item.Action);
        }
    }

    [Fact]
    public void Calls_RoundTripForEveryMethod()
    {
        var calls = new[]
        {
            new MonoStateServerCall { Method = MonoStateServerMethod.GetItem, SessionId = "AB", Exclusive = false },
            new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = "AB", CollectionData = [1], StaticObjectsData = [2, 3], LockId = 5, Timeout = 30, NewItem = false },
            new MonoStateServerCall { Method = MonoStateServerMethod.SetAndReleaseItemExclusive, SessionId = "AB", LockId = 5, Timeout = 30, NewItem = true },
            new MonoStateServerCall { Method = MonoStateServerMethod.ReleaseItemExclusive, SessionId = "AB", LockId = -3 },
            new MonoStateServerCall { Method = MonoStateServerMethod.Remove, SessionId = "AB", LockId = null },
            new MonoStateServerCall { Method = MonoStateServerMethod.ResetItemTimeout, SessionId = "AB" },
            new MonoStateServerCall { Method = MonoStateServerMethod.CreateUninitializedItem, SessionId = "AB", Timeout = 20 },
        };
        foreach (var call in calls)
        {
            var back = MonoStateServerMessages.ReadCall(NrbfMessageReader.Read(MonoStateServerMessages.WriteCall(call), RemotingLimits.Default));
            Assert.Equal(call.Method, back.Method);
            Assert.Equal(call.SessionId, back.SessionId);
            Assert.Equal(call.Exclusive, back.Exclusive);
            Assert.Equal(call.LockId, back.LockId);
            Assert.Equal(call.CollectionData, back.CollectionData);
            Assert.Equal(call.StaticObjectsData, back.StaticObjectsData);
            Assert.Equal(call.Timeout, back.Timeout);
            Assert.Equal(call.NewItem, back.NewItem);
        }
    }

    private static byte[] Frame(ushort operation, int length)
    {
        var bytes = new byte[16];
        ".NET"u8.CopyTo(bytes);
        bytes[4] = 1;
        bytes[6] = (byte)operation;
        BitConverter.TryWriteBytes(bytes.AsSpan(10), length);
        return bytes;
    }

    private static void Read(byte[] bytes, RemotingLimits limits)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        _ = RemotingFrameReader.TryRead(ref sequence, limits, out _);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var second = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
