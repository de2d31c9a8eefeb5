using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionBridge.StateServer;

/// <summary>The state server's instruments on the <c>SessionBridge</c> meter.</summary>
internal sealed class StateServerMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _refused;
    private readonly UpDownCounter<long> _connections;

    public StateServerMetrics(Func<int> itemCount)
    {
        _meter = new Meter("SessionBridge");
        _requests = _meter.CreateCounter<long>("sessionbridge.stateserver.requests", "{request}", "State server requests by verb and status.");
        _refused = _meter.CreateCounter<long>("sessionbridge.stateserver.connections.refused", "{connection}", "Connections closed on accept (remote not allowed, limit reached).");
        _connections = _meter.CreateUpDownCounter<long>("sessionbridge.stateserver.connections.active", "{connection}", "Open connections.");
        _meter.CreateObservableGauge("sessionbridge.stateserver.items", () => (long)itemCount(), "{item}", "Stored items.");
    }

    public void Request(string verb, int status)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new TagList { { "verb", verb }, { "status", status } });
        }
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void Dispose() => _meter.Dispose();
}
