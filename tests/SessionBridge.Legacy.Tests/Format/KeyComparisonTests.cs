using System.Globalization;
using System.Text;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format;

/// <summary>
/// The reader checks keys of printable ASCII for duplicates with ASCII case-insensitive equality, without making
/// strings. That is only right if the invariant culture's case-insensitive comparison (System.Web's key comparer)
/// agrees with it on those characters, on the collation this process runs with; these tests check it.
/// </summary>
public sealed class KeyComparisonTests
{
    private static readonly StringComparer s_systemWebComparer = StringComparer.Create(CultureInfo.InvariantCulture, ignoreCase: true);

    [Fact]
    public void OnPrintableAscii_SystemWebsComparerIsAsciiCaseInsensitive()
    {
        var printable = Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).ToArray();
        foreach (var a in printable)
        {
            foreach (var b in printable)
            {
                Assert.Equal(string.Equals(a.ToString(), b.ToString(), StringComparison.OrdinalIgnoreCase), s_systemWebComparer.Equals(a.ToString(), b.ToString()));
            }
        }

        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var x = new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => printable[random.Next(printable.Length)]).ToArray());
            var y = random.Next(3) == 0 ? x.ToUpperInvariant() : new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => printable[random.Next(printable.Length)]).ToArray());
            Assert.Equal(string.Equals(x, y, StringComparison.OrdinalIgnoreCase), s_systemWebComparer.Equals(x, y));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(500)]
    public void DuplicateAsciiKeys_AreRejectedWhateverTheCount(int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => "key" + i).ToList();
        keys.Add("KEY" + (count / 2));
        Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(Blob(keys)));

        keys.RemoveAt(keys.Count - 1);
        Assert.Equal(count, SessionStateSerializer.Deserialize(Blob(keys)).Items.Count);
    }

    [Theory]
    [InlineData("Café", "CAFÉ")]
    [InlineData("a\0b", "ab")]
    [InlineData("straße", "STRASSE")]
    public void KeysTheComparerCallsEqual_AreRejected(string first, string second)
    {
        var expectedEqual = s_systemWebComparer.Equals(first, second);
        var blob = Blob([first, second]);
        if (expectedEqual)
        {
            Assert.Throws<LegacySessionFormatException>(() => SessionStateSerializer.Deserialize(blob));
        }
        else
        {
            Assert.Equal(2, SessionStateSerializer.Deserialize(blob).Items.Count);
        }
    }

    [Fact]
    public void NonCanonicalKeys_AreRewrittenAsSystemWebWritesThem()
    {
        // An overlong length prefix and invalid UTF-8 in a key: the reader accepts both; re-saving writes the key
        // as System.Web's writer would (vectors: overlong-7bit-length-prefix, invalid UTF-8 replaced by U+FFFD).
        var blob = Convert.FromHexString("14000000" + "01" + "00" + "02000000" + "FFFFFFFF" + "85006B65793031" + "01FF" + "05000000" + "0A000000" + "0201000000" + "0202000000" + "FF");
        var data = SessionStateSerializer.Deserialize(blob);
        var resaved = SessionStateSerializer.Serialize(data);

        Assert.Equal("key01", data.Items.GetKey(0));
        Assert.NotEqual(blob, resaved);
        Assert.Equal(["key01", "\uFFFD"], SessionStateSerializer.Deserialize(resaved).Items.Keys);
    }

    private static byte[] Blob(IReadOnlyList<string> keys)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        writer.Write(20);
        writer.Write(true);
        writer.Write(false);
        writer.Write(keys.Count);
        writer.Write(-1);
        foreach (var key in keys)
        {
            writer.Write(key);
        }

        for (var i = 1; i <= keys.Count; i++)
        {
            writer.Write(i);
        }

        for (var i = 0; i < keys.Count; i++)
        {
            writer.Write((byte)21);
        }

        writer.Write((byte)0xFF);
        writer.Flush();
        return buffer.ToArray();
    }
}
