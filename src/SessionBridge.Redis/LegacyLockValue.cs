using System.Globalization;

namespace SessionBridge.Redis;

/// <summary>
/// Lock values as the provider writes and reads them: <c>DateTime.Now.Ticks.ToString()</c>, the decimal tick count of
/// the local time, and the lock age as <c>DateTime.Now - new DateTime(ticks)</c>. A value that is not a tick count
/// reads as taken at <see cref="DateTime.MinValue"/>, so it is older than any execution timeout and gets stolen, as the
/// provider does.
/// </summary>
internal static class LegacyLockValue
{
    /// <summary>
    /// A fresh lock value: the local time's ticks, strictly increasing across the calls that share
    /// <paramref name="lastIssued"/> (one store), so two requests of one store never hold the same value.
    /// </summary>
    public static string Create(TimeProvider timeProvider, TimeZoneInfo? timeZone, ref long lastIssued)
    {
        var now = LocalTicks(timeProvider, timeZone);
        while (true)
        {
            var last = Volatile.Read(ref lastIssued);
            var next = now > last ? now : last + 1;
            if (Interlocked.CompareExchange(ref lastIssued, next, last) == last)
            {
                return next.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>How long the lock with <paramref name="value"/> has been held, never negative.</summary>
    public static TimeSpan Age(string? value, TimeProvider timeProvider, TimeZoneInfo? timeZone = null)
    {
        var now = LocalTicks(timeProvider, timeZone);
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return TimeSpan.FromTicks(now);
        }

        return ticks >= now ? TimeSpan.Zero : TimeSpan.FromTicks(now - ticks);
    }

    /// <summary>The tick count of "now" in <paramref name="timeZone"/>, or in the clock's local time zone.</summary>
    private static long LocalTicks(TimeProvider timeProvider, TimeZoneInfo? timeZone) =>
        timeZone is null
            ? timeProvider.GetLocalNow().DateTime.Ticks
            : TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), timeZone).DateTime.Ticks;
}
