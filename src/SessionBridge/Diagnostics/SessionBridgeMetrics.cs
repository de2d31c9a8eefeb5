using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionBridge.Diagnostics;

/// <summary>The meter <c>SessionBridge</c> and the activity source <c>SessionBridge</c>.</summary>
internal sealed class SessionBridgeMetrics
{
    public const string MeterName = "SessionBridge";

    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Histogram<double> _lockWait;
    private readonly Histogram<double> _lockHold;
    private readonly Histogram<double> _storeDuration;
    private readonly Counter<long> _storeErrors;
    private readonly Histogram<long> _sessionSize;
    private readonly UpDownCounter<long> _activeLocks;
    private readonly Counter<long> _queueRejections;
    private readonly Counter<long> _lockSteals;

    public SessionBridgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _lockWait = meter.CreateHistogram<double>("sessionbridge.lock.wait_time", "s", "How long requests waited for a session's lock.");
        _lockHold = meter.CreateHistogram<double>("sessionbridge.lock.hold_time", "s", "How long requests held a session's lock.");
        _storeDuration = meter.CreateHistogram<double>("sessionbridge.store.operation.duration", "s", "The duration of session store operations.");
        _storeErrors = meter.CreateCounter<long>("sessionbridge.store.errors", "{error}", "Session store operations that failed or timed out.");
        _sessionSize = meter.CreateHistogram<long>("sessionbridge.session.size", "By", "The size of saved sessions in the legacy format.");
        _activeLocks = meter.CreateUpDownCounter<long>("sessionbridge.lock.active", "{lock}", "Session locks held by requests of this process.");
        _queueRejections = meter.CreateCounter<long>("sessionbridge.lock.queue_rejections", "{request}", "Requests refused because too many waited for one session.");
        _lockSteals = meter.CreateCounter<long>("sessionbridge.lock.steals", "{lock}", "Locks older than ExecutionTimeout taken over.");
    }

    public void LockWaited(TimeSpan elapsed) => _lockWait.Record(elapsed.TotalSeconds);

    public void LockAcquired() => _activeLocks.Add(1);

    public void LockReleased(TimeSpan held)
    {
        _activeLocks.Add(-1);
        _lockHold.Record(held.TotalSeconds);
    }

    public void StoreOperation(string operation, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _storeDuration.Record(elapsed.TotalSeconds, tag);
        if (failed)
        {
            _storeErrors.Add(1, tag);
        }
    }

    public void SessionSaved(long bytes) => _sessionSize.Record(bytes);

    public void QueueRejected() => _queueRejections.Add(1);

    public void LockStolen() => _lockSteals.Add(1);
}
