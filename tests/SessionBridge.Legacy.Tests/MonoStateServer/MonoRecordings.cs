using System.Buffers;
using SessionBridge.Legacy.MonoStateServer;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Legacy.Tests.MonoStateServer;

/// <summary>The recorded exchanges of Mono's client with Mono's asp-state4 (../vectors/mono-state-server-exchanges.json).</summary>
public static class MonoRecordings
{
    public const string FileName = "mono-state-server-exchanges.json";

    /// <summary>Every exchange: step, index, the request bytes, the response bytes (null when none was recorded).</summary>
    public static IReadOnlyList<(int Step, int Index, byte[] Request, byte[]? Response)> Exchanges() =>
        [.. VectorFiles.Vectors(FileName, "steps").SelectMany(step => step["exchanges"]!.AsArray().Select((e, i) => (
            Step: (int)step["step"]!,
            Index: i,
            Request: Convert.FromHexString((string)e!["requestHex"]!),
            Response: e["responseHex"] is { } r ? Convert.FromHexString((string)r!) : null)))];

    /// <summary>Splits a recorded byte run into its frames (a pipelining client sends several).</summary>
    internal static List<RemotingFrame> Frames(byte[] bytes)
    {
        var frames = new List<RemotingFrame>();
        var sequence = new ReadOnlySequence<byte>(bytes);
        while (sequence.Length > 0)
        {
            Assert.True(RemotingFrameReader.TryRead(ref sequence, RemotingLimits.Default, out var frame), "a recorded run ends with a partial frame");
            frames.Add(frame!);
        }

        return frames;
    }

    public static IEnumerable<TheoryDataRow<int, int>> ExchangeIds() =>
        Exchanges().Select(e => new TheoryDataRow<int, int>(e.Step, e.Index));

    public static (int Step, int Index, byte[] Request, byte[]? Response) Get(int step, int index) =>
        Exchanges().Single(e => e.Step == step && e.Index == index);
}
