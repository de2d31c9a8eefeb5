using System.Net;

namespace SessionBridge.StateServer;

/// <summary>Which peers may talk to the server: loopback always, plus the allowed addresses and networks.</summary>
internal sealed class RemoteAccessFilter
{
    private readonly IPNetwork[] _allowed;

    private RemoteAccessFilter(IPNetwork[] allowed) => _allowed = allowed;

    /// <summary>Whether remote access is switched on at all.</summary>
    public bool AllowsRemote => _allowed.Length > 0;

    /// <summary>Parses <c>10.0.0.5</c>, <c>10.0.0.0/24</c>, <c>2001:db8::/32</c>, …; a bad entry fails with a message naming it.</summary>
    public static RemoteAccessFilter Parse(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var raw in entries)
        {
            var entry = raw?.Trim();
            if (string.IsNullOrEmpty(entry))
            {
                continue;
            }

            if (IPAddress.TryParse(entry, out var address))
            {
                address = Normalize(address);
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw new InvalidOperationException(
                    $"--allow-remote / StateServer:AllowRemote entry '{entry}' is not an IP address or a CIDR network such as 10.0.0.0/24.");
            }
        }

        return new RemoteAccessFilter([.. networks]);
    }

    public bool IsAllowed(IPAddress? remote)
    {
        if (remote is null)
        {
            return false;
        }

        remote = Normalize(remote);
        if (IPAddress.IsLoopback(remote))
        {
            return true;
        }

        foreach (var network in _allowed)
        {
            if (network.Contains(remote))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
