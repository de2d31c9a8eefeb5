namespace SessionBridge.Tests.Infrastructure;

/// <summary>Waits for a condition another thread makes true. The limit only turns a hang into a failure; it asserts no timing.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                throw new Xunit.Sdk.XunitException($"Gave up waiting until {what}.");
            }

            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
