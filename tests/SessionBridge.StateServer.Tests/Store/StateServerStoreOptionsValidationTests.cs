using Polly;
using Polly.CircuitBreaker;
using SessionBridge.StateServer.Client;

namespace SessionBridge.StateServer.Tests.Store;

/// <summary>
/// The state server client stores' option rules: every failure is reported at once with its configuration key, and the
/// circuit breaker's limits are exactly the ones Polly enforces (so a setting Polly would refuse on the first request is
/// refused at start instead).
/// </summary>
public sealed class StateServerStoreOptionsValidationTests
{
    public static TheoryData<double, int, double, double> BreakerSettings => new()
    {
        { 0.5, 10, 30, 5 },
        { 0, 2, 0.5, 0.5 },
        { 1, 2, 86_400, 86_400 },
        { -0.01, 10, 30, 5 },
        { 1.01, 10, 30, 5 },
        { double.NaN, 10, 30, 5 },
        { 0.5, 1, 30, 5 },
        { 0.5, 10, 0.499, 5 },
        { 0.5, 10, 86_400.001, 5 },
        { 0.5, 10, 30, 0.499 },
        { 0.5, 10, 30, 86_400.001 },
    };

    [Theory]
    [MemberData(nameof(BreakerSettings))]
    public void BreakerSettings_AreRefusedExactlyWhenPollyRefusesThem(double ratio, int throughput, double samplingSeconds, double breakSeconds)
    {
        var options = new StateServerStoreOptions
        {
            ApplicationId = "/LM/W3SVC/1/ROOT/App",
            BreakerFailureRatio = ratio,
            BreakerMinimumThroughput = throughput,
            BreakerSamplingDuration = TimeSpan.FromSeconds(samplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(breakSeconds),
        };
        var mono = new MonoStateServerStoreOptions
        {
            BreakerFailureRatio = ratio,
            BreakerMinimumThroughput = throughput,
            BreakerSamplingDuration = TimeSpan.FromSeconds(samplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(breakSeconds),
        };

        var pollyAccepts = PollyAccepts(options);

        Assert.Equal(pollyAccepts, StateServerStoreOptionsValidation.Validate(options).Count == 0);
        Assert.Equal(pollyAccepts, StateServerStoreOptionsValidation.Validate(mono).Count == 0);
    }

    [Fact]
    public void EveryFailure_IsReportedAtOnce_WithItsKey()
    {
        var options = new StateServerStoreOptions
        {
            ConnectionString = "10.0.0.5:42424",
            NetworkTimeout = TimeSpan.Zero,
            BreakerMinimumThroughput = 0,
        };

        var failures = StateServerStoreOptionsValidation.Validate(options);

        Assert.Collection(
            failures,
            f => Assert.StartsWith("LegacySession:StateServer:ApplicationId is not set", f, StringComparison.Ordinal),
            f => Assert.StartsWith("LegacySession:StateServer:ConnectionString: The state server connection string '10.0.0.5:42424' is not valid", f, StringComparison.Ordinal),
            f => Assert.StartsWith("LegacySession:StateServer:NetworkTimeout is 00:00:00", f, StringComparison.Ordinal),
            f => Assert.StartsWith("LegacySession:StateServer:BreakerMinimumThroughput is 0", f, StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(() => new StateServerSessionStore(options));
        Assert.All(failures, f => Assert.Contains(f, thrown.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void MachineKeyScheme_WithAnUnknownValidation_NamesBothKeys()
    {
        var failures = StateServerStoreOptionsValidation.Validate(new StateServerStoreOptions
        {
            ApplicationId = "/LM/W3SVC/1/ROOT/App",
            KeyScheme = StateServerKeyScheme.MachineKey,
            ValidationKey = "00112233445566778899AABBCCDDEEFF",
            Validation = "SHA3",
        });

        var failure = Assert.Single(failures);
        Assert.StartsWith("LegacySession:StateServer:ValidationKey or LegacySession:StateServer:Validation: Unknown machineKey validation 'SHA3'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void MonoOptions_WithATinyMessageLimit_AreRefusedByTheStore()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new MonoStateServerSessionStore(new MonoStateServerStoreOptions { MaxMessageBytes = 100 }));

        Assert.Contains("LegacySession:MonoStateServer:MaxMessageBytes is 100; set at least 1024", thrown.Message, StringComparison.Ordinal);
    }

    private static bool PollyAccepts(StateServerStoreOptions options)
    {
        try
        {
            _ = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
            }).Build();
            return true;
        }
        catch (System.ComponentModel.DataAnnotations.ValidationException)
        {
            return false;
        }
    }
}
