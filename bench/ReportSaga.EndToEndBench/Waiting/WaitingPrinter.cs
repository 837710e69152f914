using System.Globalization;
using ReportSaga.EndToEndBench.Report;

namespace ReportSaga.EndToEndBench.Waiting;

/// <summary>Prints the runs with reports waiting as Markdown tables, and the smallest against the largest N with the target.</summary>
internal static class WaitingPrinter
{
    /// <summary>Issue 10: service memory within 20 % from 1,000 to 50,000 reports waiting on the provider.</summary>
    public const double Tolerance = 0.20;

    public static void Print(WaitingResult run)
    {
        Console.WriteLine();
        Console.WriteLine($"{run.Waiting:N0} reports waiting on the provider, {run.Instances} instance(s), Polling__MaxInterval={run.PollInterval.TotalSeconds:0} s, " +
                          $"{run.Duration.TotalSeconds:0} s of polling (load average {run.LoadAtStart} at the start, {run.LoadAtEnd} at the end)");
        Console.WriteLine();
        var rows = new List<string[]>
        {
            Row("reports waiting (seeded)", $"{run.Waiting:N0} (provider {run.ProviderSeeding.TotalSeconds:0.0} s, database {run.DatabaseSeeding.TotalSeconds:0.0} s)"),
            Row("status calls made (at the provider)", $"{run.StatusCalls:N0} ({run.StatusCalls / run.Duration.TotalSeconds:0.0}/s); other provider calls {run.OtherProviderCalls}"),
            Row("seeded reports checked at least once", $"{run.Polled:N0} of {run.Waiting:N0}"),
            Row("seeded reports still Waiting / ended", $"{run.StillWaiting:N0} / {run.Ended:N0}"),
            Row("wake-ups due but not sent at the end (scheduler backlog)", $"{run.WakeUpsDueNotSent:N0}"),
            Row("messages in the service's queues at the end", run.QueuedAtBroker.Count == 0 ? "0" : string.Join(", ", run.QueuedAtBroker.Select(q => $"{q.Key} {q.Value:N0}"))),
            Row("service CPU", $"{run.ServiceCpu.TotalSeconds:0.0} s ({run.ServiceCpu.TotalSeconds / run.Duration.TotalSeconds * 100:0} % of a core)"),
            Row("RSS ready, before any wake-up was due", WaitingRun.Mb(run.IdleResident)),
            Row("RSS steady (median of the last third) / peak sample / VmHWM", $"{WaitingRun.Mb(WaitingResult.Steady(run.Resident))} / {WaitingRun.Mb(run.Resident.DefaultIfEmpty().Max())} / {WaitingRun.Mb(run.PeakResident)}"),
            Row("RSS at the end, after a full collection (dotnet-gcdump)", run.ResidentAfterFullCollection is { } after ? WaitingRun.Mb(after) : "n/a"),
            Row("GC heap after collection: steady / peak", run.HasGcCounters && run.GcHeap.Count > 0
                ? $"{WaitingRun.Mb(WaitingResult.Steady(run.GcHeap))} / {WaitingRun.Mb(run.GcHeap.Max())}"
                : "n/a (dotnet-counters not installed)"),
            Row("GC committed: steady / peak", run.HasGcCounters && run.GcCommitted.Count > 0
                ? $"{WaitingRun.Mb(WaitingResult.Steady(run.GcCommitted))} / {WaitingRun.Mb(run.GcCommitted.Max())}"
                : "n/a"),
        };
        Print(new MarkdownTable("figure", "value"), rows);
        Console.WriteLine("RSS every 10 s (MB): " + string.Join(' ', run.Resident.Where((_, i) => i % 10 == 0).Select(b => (b / 1024 / 1024).ToString(CultureInfo.InvariantCulture))));
        if (run.GcHeap.Count > 0)
            Console.WriteLine("GC heap every 10 s (MB): " + string.Join(' ', run.GcHeap.Where((_, i) => i % 10 == 0).Select(b => (b / 1024 / 1024).ToString(CultureInfo.InvariantCulture))));
        foreach (var report in run.HeapReports)
            Console.WriteLine("live managed objects by type at the end (dotnet-gcdump report), " + report);
    }

    /// <summary>The smallest against the largest N: steady RSS, peak and GC heap, and the target.</summary>
    public static bool PrintComparison(WaitingResult small, WaitingResult large)
    {
        Console.WriteLine();
        Console.WriteLine($"memory with {small.Waiting:N0} against {large.Waiting:N0} reports waiting:");
        Console.WriteLine();
        var steadyRatio = Ratio(WaitingResult.Steady(large.Resident), WaitingResult.Steady(small.Resident));
        var met = Math.Abs(steadyRatio - 1) <= Tolerance;
        var rows = new List<string[]>
        {
            new[] { "RSS steady", WaitingRun.Mb(WaitingResult.Steady(small.Resident)), WaitingRun.Mb(WaitingResult.Steady(large.Resident)),
                $"x{steadyRatio:0.00}", $"within {Tolerance:P0}: {(met ? "met" : "MISSED")}" },
            new[] { "RSS peak (VmHWM)", WaitingRun.Mb(small.PeakResident), WaitingRun.Mb(large.PeakResident), $"x{Ratio(large.PeakResident, small.PeakResident):0.00}", "" },
        };
        if (small.ResidentAfterFullCollection is { } smallAfter && large.ResidentAfterFullCollection is { } largeAfter)
            rows.Add(["RSS at the end after a full collection", WaitingRun.Mb(smallAfter), WaitingRun.Mb(largeAfter), $"x{Ratio(largeAfter, smallAfter):0.00}", ""]);
        if (small.GcHeap.Count > 0 && large.GcHeap.Count > 0)
        {
            rows.Add(["GC heap steady", WaitingRun.Mb(WaitingResult.Steady(small.GcHeap)), WaitingRun.Mb(WaitingResult.Steady(large.GcHeap)),
                $"x{Ratio(WaitingResult.Steady(large.GcHeap), WaitingResult.Steady(small.GcHeap)):0.00}", ""]);
            rows.Add(["GC heap peak", WaitingRun.Mb(small.GcHeap.Max()), WaitingRun.Mb(large.GcHeap.Max()), $"x{Ratio(large.GcHeap.Max(), small.GcHeap.Max()):0.00}", ""]);
        }

        rows.Add(["status calls per second", $"{small.StatusCalls / small.Duration.TotalSeconds:0.0}", $"{large.StatusCalls / large.Duration.TotalSeconds:0.0}", "", ""]);
        Print(new MarkdownTable("figure", $"{small.Waiting:N0} waiting", $"{large.Waiting:N0} waiting", "ratio", "target (issue 10)"), rows);
        return met;
    }

    private static void Print(MarkdownTable table, IEnumerable<string[]> rows)
    {
        foreach (var row in rows)
            table.Add(row);
        Console.WriteLine(table);
    }

    private static double Ratio(long a, long b) => b == 0 ? double.NaN : (double)a / b;

    private static string[] Row(string figure, string value) => [figure, value];
}
