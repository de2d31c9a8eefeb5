using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionBridge.Tests.Infrastructure;

namespace SessionBridge.Tests.Diagnostics;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Meter_RecordsLockWaitHoldStoreOperationsSizeAndActiveLocks()
    {
        var writerInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseWriter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Endpoints.Map(a);
            a.MapPost("/hold", async (HttpContext context) =>
            {
                context.GetLegacySession()["Count"] = 1;
                writerInside.TrySetResult();
                await releaseWriter.Task;
                return "done";
            });
        });
        var meterFactory = app.App.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentDictionary<string, int>();
        long activeLocks = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's application: other tests run side by side with meters of the same name.
            if (instrument.Meter.Name == "SessionBridge" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measurements.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            measurements.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1);
            if (instrument.Name == "sessionbridge.lock.active")
            {
                Interlocked.Add(ref activeLocks, value);
            }
        });
        listener.Start();

        var id = TestApp.SessionIdFrom(await app.PostAsync("/inc"))!;
        var writer = app.PostAsync("/hold", id);
        await writerInside.Task;
        var waiter = app.PostAsync("/inc", id);
        await Eventually.TrueAsync(() => app.Coordinator.GetWaitingCount(id) == 1, "the second request waits");
        releaseWriter.SetResult();
        await Task.WhenAll(writer, waiter);

        foreach (var name in new[] { "sessionbridge.lock.wait_time", "sessionbridge.lock.hold_time", "sessionbridge.store.operation.duration", "sessionbridge.session.size", "sessionbridge.lock.active" })
        {
            Assert.True(measurements.ContainsKey(name), $"{name} was not recorded.");
        }

        Assert.Equal(0, Interlocked.Read(ref activeLocks));
    }

    [Fact]
    public async Task ActivitySource_TracesEachSessionRequest()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "SessionBridge",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await TestApp.StartAsync(Endpoints.Map);

        await app.PostAsync("/inc");

        Assert.Contains(activities, a => a.OperationName == "SessionBridge.Session" && (string?)a.GetTagItem("sessionbridge.behavior") == "required");
    }

    [Fact]
    public async Task HealthCheck_ReportsTheStore()
    {
        var store = new FaultyStore();
        await using var app = await TestApp.StartAsync(Endpoints.Map, store: store, configureServices: s => s.AddHealthChecks().AddLegacySessionStore());
        var health = app.App.Services.GetRequiredService<HealthCheckService>();

        var healthy = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        store.FailGet = true;
        var unhealthy = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("Test", unhealthy.Entries["legacy-session-store"].Description, StringComparison.Ordinal);
    }
}
