namespace SessionBridge.Redis.EndToEnd.Tests.Infrastructure;

/// <summary>Bounded waits that fail with a message saying what did not happen.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds} s, but {what} did not happen.");
            }

            await Task.Delay(20);
        }
    }
}
