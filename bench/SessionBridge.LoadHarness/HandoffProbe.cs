namespace SessionBridge.LoadHarness;

/// <summary>Timestamps the hand-off endpoints write.</summary>
internal sealed class HandoffProbe
{
    public TaskCompletionSource FirstInside { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long FirstEnded { get; set; }

    public long SecondStarted { get; set; }

    public void Reset()
    {
        FirstInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FirstEnded = 0;
        SecondStarted = 0;
    }
}
