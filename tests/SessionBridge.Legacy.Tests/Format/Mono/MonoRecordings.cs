using System.Buffers.Binary;
using SessionBridge.Legacy.Tests.Vectors;

namespace SessionBridge.Legacy.Tests.Format.Mono;

/// <summary>
/// The <c>CollectionData</c> arrays inside the recorded .NET Remoting messages of
/// ../shared/vectors/mono-state-server-exchanges.json (Mono's client talking to Mono's asp-state4.exe).
/// </summary>
/// <remarks>
/// The byte arrays are found as [MS-NRBF] ArraySinglePrimitive records of bytes (record type 0x0F, object id, length,
/// PrimitiveType Byte = 2). The recorded app stores no static objects, so each message holds at most one such array;
/// the tests check that count against the recording's steps, so a mis-detection fails instead of passing unseen.
/// </remarks>
internal static class MonoRecordings
{
    public const string FileName = "mono-state-server-exchanges.json";

    public static IReadOnlyList<RecordedCollection> CollectionData()
    {
        var result = new List<RecordedCollection>();
        foreach (var step in VectorFiles.Load(FileName)["steps"]!.AsArray())
        {
            var number = (int)step!["step"]!;
            var exchanges = step["exchanges"]!.AsArray();
            for (var i = 0; i < exchanges.Count; i++)
            {
                foreach (var (name, isRequest) in new[] { ("requestHex", true), ("responseHex", false) })
                {
                    if ((string?)exchanges[i]![name] is not { Length: > 0 } hex)
                    {
                        continue;
                    }

                    foreach (var array in ByteArrays(Convert.FromHexString(hex)))
                    {
                        result.Add(new RecordedCollection(number, i, isRequest, array));
                    }
                }
            }
        }

        return result;
    }

    private static IEnumerable<byte[]> ByteArrays(byte[] message)
    {
        var i = 0;
        while (i < message.Length - 10)
        {
            if (message[i] == 0x0F && message[i + 9] == 0x02)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(i + 5));
                if (length > 0 && length <= message.Length - i - 10)
                {
                    yield return message.AsSpan(i + 10, length).ToArray();
                    i += 10 + length;
                    continue;
                }
            }

            i++;
        }
    }
}

internal sealed record RecordedCollection(int Step, int Exchange, bool IsRequest, byte[] Bytes)
{
    public override string ToString() => $"step {Step} exchange {Exchange} {(IsRequest ? "request" : "response")}";
}
