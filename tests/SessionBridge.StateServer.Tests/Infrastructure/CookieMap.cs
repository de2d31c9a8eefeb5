using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionBridge.StateServer.Tests.Infrastructure;

/// <summary>
/// Translates the lock cookies in the vectors' requests to the ones our server hands out.
/// </summary>
/// <remarks>
/// The recording's client sent lock cookies such as 1667875244 (some beyond Int32) where the server answered
/// <c>LockCookie: 2</c>: they are tokens, not values. Per connection, the token sent with a request Microsoft's server
/// answers 200 is "the current lock cookie"; other tokens are that cookie plus their distance from it ("wrong"
/// cookies stay wrong by the same amount). Small literal values (0, 1, 2, -1), non-numbers and 4294967295 (the
/// out-of-range probe) are sent as they are.
/// </remarks>
public sealed partial class CookieMap
{
    private readonly Dictionary<int, long> _rightToken = [];

    public CookieMap(IEnumerable<Exchange> exchanges)
    {
        foreach (var e in exchanges)
        {
            if (e.ExpectedStatus == 200 && TryToken(e.Head, out var token) && !_rightToken.ContainsKey(e.Connection))
            {
                _rightToken[e.Connection] = token;
            }
        }
    }

    /// <summary>The lock cookie our server last granted on each connection.</summary>
    public Dictionary<int, int> Current { get; } = [];

    public string Rewrite(Exchange exchange, string head)
    {
        if (!TryToken(head, out var token))
        {
            return head;
        }

        if (!_rightToken.TryGetValue(exchange.Connection, out var right) || !Current.TryGetValue(exchange.Connection, out var current))
        {
            throw new InvalidOperationException($"Exchange {exchange.Id} sends lock cookie token {token} before any lock was granted on its connection.");
        }

        var real = current + (token - right);
        return LockCookieLine().Replace(head, "Lock-Cookie: " + real.ToString(CultureInfo.InvariantCulture) + "\r\n");
    }

    private static bool TryToken(string head, out long token)
    {
        var match = LockCookieLine().Match(head);
        token = 0;
        return match.Success
            && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out token)
            && token is >= 1_000_000 and not 4294967295;
    }

    [GeneratedRegex(@"Lock-Cookie: (\S+)\r\n")]
    private static partial Regex LockCookieLine();
}
