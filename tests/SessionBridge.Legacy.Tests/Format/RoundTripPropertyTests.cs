using FsCheck;
using FsCheck.Fluent;
using SessionBridge.Legacy.Format;

namespace SessionBridge.Legacy.Tests.Format;

/// <summary>Round-trip properties over random sessions holding values of all 21 type codes.</summary>
public sealed class RoundTripPropertyTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300).WithStartSize(1).WithEndSize(60);

    [Fact]
    public void Session_SurvivesSerializeAndDeserialize()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(Sessions()), session =>
        {
            var data = Build(session);
            var bytes = SessionStateSerializer.Serialize(data, session.Compressed);
            var read = SessionStateSerializer.Deserialize(bytes, session.Compressed);

            Assert.Equal(session.Timeout, read.Timeout);
            AssertSame(session.Items, read.Items);
        }));
    }

    [Fact]
    public void UntouchedAndFullyReadSessions_ReserializeToTheSameBytes()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(Sessions()), session =>
        {
            var bytes = SessionStateSerializer.Serialize(Build(session));

            var untouched = SessionStateSerializer.Deserialize(bytes);
            Assert.Equal(bytes, SessionStateSerializer.Serialize(untouched));

            var read = SessionStateSerializer.Deserialize(bytes);
            for (var i = 0; i < read.Items.Count; i++)
            {
                _ = read.Items[i];
            }

            Assert.Equal(bytes, SessionStateSerializer.Serialize(read));
        }));
    }

    [Fact]
    public void ItemCollection_SurvivesSerializeAndDeserialize()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(Sessions()), session =>
        {
            var items = Build(session).Items;
            var bytes = SessionStateSerializer.SerializeItems(items);
            var read = SessionStateSerializer.DeserializeItems(bytes);

            AssertSame(session.Items, read);
            Assert.Equal(bytes, SessionStateSerializer.SerializeItems(read));
        }));
    }

    [Fact]
    public void ChangingOneValue_LeavesTheOthersByteForByte()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(Sessions().Where(s => s.Items.Count > 1)), Arb.From(Values()), (session, replacement) =>
        {
            var bytes = SessionStateSerializer.Serialize(Build(session));
            var data = SessionStateSerializer.Deserialize(bytes);
            var originals = Enumerable.Range(0, data.Items.Count).Select(i => data.Items.GetEncodedValue(i).ToArray()).ToList();

            data.Items[0] = replacement;
            Assert.True(data.Items.Dirty);
            var changed = SessionStateSerializer.Deserialize(SessionStateSerializer.Serialize(data));

            AssertEquivalent(replacement, changed.Items[0]);
            for (var i = 1; i < changed.Items.Count; i++)
            {
                Assert.Equal(originals[i], changed.Items.GetEncodedValue(i).ToArray());
            }
        }));
    }

    private static void AssertSame(IReadOnlyList<(string? Key, object? Value)> expected, SessionStateItemCollection actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, actual.GetKey(i));
            AssertEquivalent(expected[i].Value, actual[i]);
            AssertEquivalent(expected[i].Value, actual[expected[i].Key]);
        }
    }

    private static void AssertEquivalent(object? expected, object? actual)
    {
        switch (expected)
        {
            case float f:
                Assert.Equal(BitConverter.SingleToUInt32Bits(f), BitConverter.SingleToUInt32Bits(Assert.IsType<float>(actual)));
                break;
            case double d:
                Assert.Equal(BitConverter.DoubleToUInt64Bits(d), BitConverter.DoubleToUInt64Bits(Assert.IsType<double>(actual)));
                break;
            case DateTime d:
                // Only the ticks are stored: the kind comes back Unspecified, as in System.Web.
                var read = Assert.IsType<DateTime>(actual);
                Assert.Equal(d.Ticks, read.Ticks);
                Assert.Equal(DateTimeKind.Unspecified, read.Kind);
                break;
            case decimal m:
                var readDecimal = Assert.IsType<decimal>(actual);
                Assert.Equal(decimal.GetBits(m), decimal.GetBits(readDecimal));
                break;
            default:
                Assert.Equal(expected, actual);
                if (expected is not null)
                {
                    Assert.IsType(expected.GetType(), actual);
                }

                break;
        }
    }

    private static SessionStateData Build(RandomSession session)
    {
        var data = new SessionStateData(session.Timeout);
        foreach (var (key, value) in session.Items)
        {
            data.Items[key] = value;
        }

        return data;
    }

    internal sealed record RandomSession(int Timeout, bool Compressed, IReadOnlyList<(string? Key, object? Value)> Items)
    {
        public override string ToString() =>
            $"timeout {Timeout}, compressed {Compressed}: " + string.Join(", ", Items.Select(i => $"[{i.Key ?? "<null>"}]={i.Value ?? "<null>"} ({i.Value?.GetType().Name})"));
    }

    internal static Gen<RandomSession> Sessions() =>
        from timeout in Gen.Choose(1, 525_600)
        from compressed in ArbMap.Default.GeneratorFor<bool>()
        from items in Gen.ListOf(Gen.Zip(Keys(), Values()))
        select new RandomSession(timeout, compressed, Unique(items));

    private static List<(string? Key, object? Value)> Unique(IEnumerable<(string? Key, object? Value)> items)
    {
        var seen = new HashSet<string>(StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, ignoreCase: true));
        var nullSeen = false;
        var result = new List<(string?, object?)>();
        foreach (var (key, value) in items)
        {
            if (key is null ? !nullSeen && (nullSeen = true) : seen.Add(key))
            {
                result.Add((key, value));
            }
        }

        return result;
    }

    private static Gen<string?> Keys() => Gen.Frequency(
        (20, Text().Select(s => (string?)s)),
        (1, Gen.Constant((string?)null)));

    private static Gen<string> Text() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && IsValidUtf16(s)),
        Gen.Elements("UserName", "Count", "cart", "Café", "ключ", "🔑", "", " spaced "),
        Gen.Choose(120, 400).Select(n => new string('x', n)));

    internal static Gen<object?> Values() => Gen.OneOf(
        Text().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<int>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<bool>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<long>().Select(v => (object?)new DateTime((long)((ulong)v % (ulong)(DateTime.MaxValue.Ticks + 1)))),
        ArbMap.Default.GeneratorFor<decimal>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<byte>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<char>().Where(c => !char.IsSurrogate(c)).Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<uint>().Select(v => (object?)BitConverter.UInt32BitsToSingle(v)),
        ArbMap.Default.GeneratorFor<ulong>().Select(v => (object?)BitConverter.UInt64BitsToDouble(v)),
        ArbMap.Default.GeneratorFor<sbyte>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<short>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<long>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<ushort>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<uint>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<ulong>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<long>().Select(v => (object?)new TimeSpan(v)),
        ArbMap.Default.GeneratorFor<Guid>().Select(v => (object?)v),
        ArbMap.Default.GeneratorFor<long>().Select(v => (object?)(nint)v),
        ArbMap.Default.GeneratorFor<ulong>().Select(v => (object?)(nuint)v),
        Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(b => b.Length > 0).Select(b => (object?)new SerializedObject(b)),
        Gen.Constant((object?)null));

    private static bool IsValidUtf16(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
