using System.Globalization;

namespace SessionBridge.StateServer.Client;

/// <summary>A parsed <c>tcpip=host:port</c> connection string (System.Web's <c>ParseStateConnectionString</c>).</summary>
internal sealed record StateServerEndpoint(string Host, int Port)
{
    /// <summary>The <c>Host</c> header value: host:port as written (IPv6 in brackets).</summary>
    public string HostHeader => (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The host to connect to (<c>loopback</c> means 127.0.0.1, as in System.Web).</summary>
    public string ConnectHost => string.Equals(Host, "loopback", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : Host;

    public static StateServerEndpoint Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        const string Prefix = "tcpip=";
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(connectionString);
        }

        text = text[Prefix.Length..].Trim();
        string host, port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                throw Invalid(connectionString);
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw Invalid(connectionString);
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        if (host.Length == 0 || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535
            || host.Any(c => c > 127 || char.IsWhiteSpace(c)))
        {
            throw Invalid(connectionString);
        }

        return new StateServerEndpoint(host, number);
    }

    private static ArgumentException Invalid(string value) => new(
        $"The state server connection string '{value}' is not valid; use the legacy syntax tcpip=host:port or tcpip=[IPv6]:port (e.g. tcpip=127.0.0.1:42424).",
        nameof(value));
}
