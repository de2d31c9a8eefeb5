using System.Diagnostics;
using System.Globalization;

namespace SessionBridge.LoadHarness;

/// <summary>The client side of the scenarios.</summary>
internal static class Load
{
    public static async Task<(double RequestsPerSecond, double P50, double P99)> ThroughputAsync(Uri url, bool session, int connections, TimeSpan duration)
    {
        using var client = NewClient(url, connections);
        var cookies = new string?[connections];
        if (session)
        {
            for (var i = 0; i < connections; i++)
            {
                cookies[i] = await NewSessionAsync(client);
            }
        }

        await RunAsync(client, cookies, TimeSpan.FromSeconds(1));
        var latencies = await RunAsync(client, cookies, duration);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / duration.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    public static async Task<(int Sent, int Counted, int Failed)> LostUpdatesAsync(Uri url, int writers, int rounds)
    {
        using var client = NewClient(url, writers);
        int sent = 0, counted = 0, failed = 0;
        for (var round = 0; round < rounds; round++)
        {
            var cookie = await NewSessionAsync(client);
            var responses = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => client.SendAsync(Request(HttpMethod.Post, "/inc-with-work", cookie))));
            failed += responses.Count(r => !r.IsSuccessStatusCode);
            sent += writers;
            using var final = await client.SendAsync(Request(HttpMethod.Get, "/count", cookie));
            counted += int.Parse(await final.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture) - 1;
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        return (sent, counted, failed);
    }

    public static async Task<(double P50, double P99, double Max)> HandoffAsync(Uri url, HandoffProbe probe, int iterations)
    {
        using var client = NewClient(url, 4);
        var cookie = await NewSessionAsync(client);
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            probe.Reset();
            var first = client.SendAsync(Request(HttpMethod.Post, "/handoff/first", cookie));
            await probe.FirstInside.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var second = client.SendAsync(Request(HttpMethod.Post, "/handoff/second", cookie));
            (await first).EnsureSuccessStatusCode();
            (await second).EnsureSuccessStatusCode();
            samples[i] = Stopwatch.GetElapsedTime(probe.FirstEnded, probe.SecondStarted).TotalMilliseconds;
        }

        Array.Sort(samples);
        return (Percentile(samples, 0.50), Percentile(samples, 0.99), samples[^1]);
    }

    private static async Task<List<double>[]> RunAsync(HttpClient client, string?[] cookies, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = new List<double>[cookies.Length];
        await Task.WhenAll(Enumerable.Range(0, cookies.Length).Select(async worker =>
        {
            var latencies = results[worker] = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(Request(HttpMethod.Post, "/inc", cookies[worker]));
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsStringAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        return results;
    }

    private static async Task<string> NewSessionAsync(HttpClient client)
    {
        using var response = await client.SendAsync(Request(HttpMethod.Post, "/inc", null));
        response.EnsureSuccessStatusCode();
        var setCookie = response.Headers.GetValues("Set-Cookie").First();
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static HttpClient NewClient(Uri url, int connections) =>
        new(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
