using System.Globalization;

namespace SessionBridge.Legacy.Configuration;

/// <summary>
/// The syntax of <c>stateConnectionString</c> as System.Web accepts it: <c>tcpip=host:port</c> or
/// <c>tcpip=[IPv6]:port</c>, an ASCII host, a port from 1 to 65535 (../spec/state-server-protocol.md §3.2).
/// </summary>
internal static class StateConnectionString
{
    /// <summary>Checks the syntax and returns the host, or null when System.Web would refuse the string.</summary>
    public static string? Host(string connectionString)
    {
        var text = connectionString.Trim();
        const string Prefix = "tcpip=";
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        text = text[Prefix.Length..].Trim();
        string host, port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return null;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || text.LastIndexOf(':') != colon)
            {
                return null;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        var valid = host.Length > 0 && host.All(c => c is > ' ' and < (char)127)
            && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535;
        return valid ? host : null;
    }

    /// <summary>Whether the host is this machine only: <c>loopback</c> (System.Web's name for 127.0.0.1), <c>localhost</c>, 127.x, ::1.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "loopback", StringComparison.OrdinalIgnoreCase)
        || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
