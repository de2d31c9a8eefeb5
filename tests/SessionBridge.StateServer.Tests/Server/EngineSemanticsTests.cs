using System.Text;
using Microsoft.Extensions.Time.Testing;
using SessionBridge.StateServer.Client;
using SessionBridge.StateServer.Tests.Protocol;

namespace SessionBridge.StateServer.Tests.Server;

/// <summary>The "server semantics" of the spec (§3.6) with values, on a fake clock.</summary>
public sealed class EngineSemanticsTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_start);
    private readonly StateServerEngine _engine;

    public EngineSemanticsTests()
    {
        _time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2"));
        _engine = new StateServerEngine(_time);
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void NewItem_StartsWithCookieOne_AndEachAcquireAddsOne()
    {
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nLock-Cookie: 77\r\nExtraFlags: 0", "blob").Status);
        var first = Send("GET", "Exclusive: acquire");
        Assert.Equal((200, 2, 20), (first.Status, first.LockCookie, first.Timeout));
        Assert.Equal("blob", Encoding.ASCII.GetString(first.Body.Span));
        Assert.Equal(200, Send("GET", "Exclusive: release\r\nLock-Cookie: 2").Status);
        Assert.Equal(3, Send("GET", "Exclusive: Acquire").LockCookie);
    }

    [Fact]
    public void LockedItem_Answers423_WithCookie_AgeInSeconds_AndLocalTicksOfTheLockTime()
    {
        Send("PUT", "Timeout: 20", "blob");
        Send("GET", "Exclusive: acquire");
        _time.Advance(TimeSpan.FromSeconds(95.7));
        var locked = Send("GET", "");
        Assert.Equal(423, locked.Status);
        Assert.Equal(2, locked.LockCookie);
        Assert.Equal(95, locked.LockAge);
        Assert.Equal((s_start + TimeSpan.FromHours(2)).DateTime.Ticks, locked.LockDate);
        Assert.True(locked.Body.IsEmpty);
        Assert.Equal(423, Send("GET", "Exclusive: acquire").Status);
        Assert.Equal(423, Send("PUT", "Timeout: 20\r\nLock-Cookie: 3", "x").Status);
        Assert.Equal(423, Send("PUT", "Timeout: 20", "x").Status);
        Assert.Equal(423, Send("DELETE", "Lock-Cookie: 1").Status);
        Assert.Equal(423, Send("DELETE", "").Status);
        Assert.Equal(423, Send("GET", "Exclusive: release\r\nLock-Cookie: 1").Status);
    }

    [Fact]
    public void PutByTheLockOwner_ReplacesAndReleases()
    {
        Send("PUT", "Timeout: 20", "old");
        Send("GET", "Exclusive: acquire");
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nLock-Cookie: 2\r\nExtraFlags: 0", "new").Status);
        var read = Send("GET", "");
        Assert.Equal((200, "new", (int?)null), (read.Status, Encoding.ASCII.GetString(read.Body.Span), read.LockCookie));
    }

    [Fact]
    public void PutWithAnotherTimeout_RecreatesTheItemWithTheClientsCookie()
    {
        Send("PUT", "Timeout: 20", "a");
        Assert.Equal(200, Send("PUT", "Timeout: 30\r\nLock-Cookie: 0", "b").Status);
        var acquired = Send("GET", "Exclusive: acquire");
        Assert.Equal((30, 1), (acquired.Timeout, acquired.LockCookie));
    }

    [Fact]
    public void UninitializedItem_NeverOverwritesAnExistingOne_AndActionFlagsIsReportedOnce()
    {
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nExtraFlags: 1", "first").Status);
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nExtraFlags: 1", "second").Status);
        var first = Send("GET", "Exclusive: acquire");
        Assert.True(first.ActionFlags);
        Assert.Equal("first", Encoding.ASCII.GetString(first.Body.Span));
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nLock-Cookie: 2\r\nExtraFlags: 0", "real").Status);
        Assert.Equal(200, Send("PUT", "Timeout: 20\r\nExtraFlags: 1", "uninit").Status);
        var again = Send("GET", "");
        Assert.False(again.ActionFlags);
        Assert.Equal("real", Encoding.ASCII.GetString(again.Body.Span));
    }

    [Fact]
    public void ConcurrentFirstReads_OfAnUninitializedItem_ReportActionFlagsExactlyOnce()
    {
        Send("PUT", "Timeout: 20\r\nExtraFlags: 1", "x");
        var flagged = 0;
        Parallel.For(0, 64, _ =>
        {
            if (Send("GET", "").ActionFlags)
            {
                Interlocked.Increment(ref flagged);
            }
        });
        Assert.Equal(1, flagged);
    }

    [Fact]
    public void ConcurrentAcquires_ExactlyOneWins_OthersSeeTheWinnersCookie()
    {
        Send("PUT", "Timeout: 20", "x");
        var won = 0;
        var lockedCookies = new System.Collections.Concurrent.ConcurrentBag<int?>();
        Parallel.For(0, 64, _ =>
        {
            var response = Send("GET", "Exclusive: acquire");
            if (response.Status == 200)
            {
                Interlocked.Increment(ref won);
            }
            else
            {
                Assert.Equal(423, response.Status);
                lockedCookies.Add(response.LockCookie);
            }
        });
        Assert.Equal(1, won);
        Assert.All(lockedCookies, c => Assert.Equal(2, c));
    }

    [Fact]
    public void Expiry_SlidesOnEveryGetAndHead_AndOnlyThen()
    {
        Send("PUT", "Timeout: 1", "x");
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(200, Send("GET", "").Status);
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(200, Send("HEAD", "").Status);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(200, Send("GET", "").Status);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(404, Send("GET", "").Status);
        Assert.Equal(404, Send("HEAD", "").Status);
    }

    [Fact]
    public void ExpiredItems_AreSweptByTheTimer()
    {
        Send("PUT", "Timeout: 1", "x");
        Assert.Equal(1, _engine.Count);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, _engine.Count);
    }

    [Theory]
    [InlineData("Timeout: 525601")]
    [InlineData("Timeout: -5")]
    [InlineData("Timeout: abc")]
    [InlineData("Timeout: 20\r\nExtraFlags: -1")]
    [InlineData("Timeout: 20\r\nLock-Cookie: -1")]
    [InlineData("Timeout: 20\r\nLock-Cookie: 2147483648")]
    public void PutWithABadHeader_Is400_AndStoresNothing(string headers)
    {
        var response = Send("PUT", headers, "x");
        Assert.Equal(400, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Message));
        Assert.Equal(404, Send("GET", "").Status);
    }

    [Fact]
    public void DefaultAndMaximumTimeouts()
    {
        Send("PUT", "", "x");
        Assert.Equal(20, Send("GET", "").Timeout);
        Assert.Equal(200, Send("PUT", "Timeout: 525600\r\nLock-Cookie: 1", "x").Status);
        Assert.Equal(525600, Send("GET", "").Timeout);
    }

    [Fact]
    public void Release_NeedsACookie_AndAnUnlockedItemReleasesFine()
    {
        Send("PUT", "Timeout: 20", "x");
        Assert.Equal(400, Send("GET", "Exclusive: release").Status);
        Assert.Equal(400, Send("GET", "Exclusive: release\r\nLock-Cookie: -1").Status);
        Assert.Equal(200, Send("GET", "Exclusive: release\r\nLock-Cookie: 12345").Status);
        Assert.Equal(404, Send("GET", "Exclusive: release\r\nLock-Cookie: 1", key: "other").Status);
    }

    [Fact]
    public void Delete_OfAnUnlockedItem_IgnoresTheCookie_AndAMissingItemIs404()
    {
        Send("PUT", "Timeout: 20", "x");
        Assert.Equal(200, Send("DELETE", "Lock-Cookie: 999").Status);
        Assert.Equal(404, Send("DELETE", "Lock-Cookie: 999").Status);
        Send("PUT", "Timeout: 20", "x");
        Send("GET", "Exclusive: acquire");
        Assert.Equal(200, Send("DELETE", "Lock-Cookie: 2").Status);
        Assert.Equal(404, Send("GET", "").Status);
    }

    [Fact]
    public void UnknownVerb_Is400()
    {
        var response = _engine.Process(RequestParserTests.Parse(Encoding.ASCII.GetBytes("POST %2fk HTTP/1.1\r\n\r\n")));
        Assert.Equal(400, response.Status);
    }

    private StateServerResponse Send(string verb, string headers, string? body = null, string key = "k")
    {
        var text = new StringBuilder($"{verb} %2fapp(h%3d)%2f{key} HTTP/1.1\r\nHost: h\r\n");
        if (headers.Length > 0)
        {
            text.Append(headers).Append("\r\n");
        }

        if (body is not null)
        {
            text.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n").Append(body);
        }
        else
        {
            text.Append("\r\n");
        }

        return _engine.Process(RequestParserTests.Parse(Encoding.ASCII.GetBytes(text.ToString())));
    }
}
