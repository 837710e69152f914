using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace ReportSaga.Benchmarks;

/// <summary>
/// N concurrent callers, each a loop of GET request-status for one of the prepared reports, for a bounded time.
/// Latency is measured per call with a Stopwatch; throughput is successful calls over the measured window.
/// </summary>
internal static class StatusLoad
{
    public static async Task<StatusLoadResult> RunAsync(Uri baseAddress, StatusLoadOptions options)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Add("api-key", options.ApiKey);

        var reportIds = await SubmitReportsAsync(http, options.Reports);

        // Warm-up: connections, JIT and tiered compilation settle before measuring.
        await LoopAsync(http, reportIds, options.Concurrency, options.Warmup, record: null);

        var latencies = new List<long>[options.Concurrency];
        var failures = 0L;
        var window = Stopwatch.StartNew();
        var calls = await LoopAsync(http, reportIds, options.Concurrency, options.Duration, (worker, ticks, ok) =>
        {
            (latencies[worker] ??= new List<long>(1 << 16)).Add(ticks);
            if (!ok)
            {
                Interlocked.Increment(ref failures);
            }
        });
        window.Stop();

        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        return new StatusLoadResult(
            calls,
            failures,
            window.Elapsed,
            Percentile(all, 0.50),
            Percentile(all, 0.99),
            options.Concurrency);
    }

    private static async Task<string[]> SubmitReportsAsync(HttpClient http, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var body = $$$"""
                {"report_name":"bench {{{i}}}","report_query":{"tables":[{"vtable":"traffic_and_engagement","granularity":"monthly",
                "filters":{"domains":["example.com"],"countries":["WW"]},"metrics":["all_traffic_visits"],"start_date":"2024-01","end_date":"2024-03"}]}}
                """;
            using var response = await http.PostAsync("batch/v4/request-report", new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            var created = await response.Content.ReadFromJsonAsync<Created>();
            ids[i] = created!.report_id;
        }

        return ids;
    }

    private static async Task<long> LoopAsync(HttpClient http, string[] reportIds, int concurrency, TimeSpan duration, Action<int, long, bool>? record)
    {
        var total = 0L;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var calls = 0L;
            var next = worker;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var id = reportIds[next++ % reportIds.Length];
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"v3/batch/request-status/{id}", HttpCompletionOption.ResponseContentRead);
                var elapsed = Stopwatch.GetTimestamp() - started;
                record?.Invoke(worker, elapsed, response.IsSuccessStatusCode);
                calls++;
            }

            Interlocked.Add(ref total, calls);
        })).ToArray();
        await Task.WhenAll(workers);
        return total;
    }

    private static TimeSpan Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(sortedTicks[Math.Min(sortedTicks.Length - 1, (int)Math.Ceiling(p * sortedTicks.Length) - 1)] / (double)Stopwatch.Frequency);

    private sealed record Created(string report_id);
}

internal sealed record StatusLoadResult(long Calls, long Failures, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99, int Concurrency)
{
    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;
}
