using System.Globalization;
using ReportSaga.EndToEndBench.Runs;
using ReportSaga.EndToEndBench.Tracking;

namespace ReportSaga.EndToEndBench.Report;

/// <summary>
/// Prints a run's figures as a Markdown table (so it pastes into docs/benchmarks.md), each next to its target from
/// issue 10 where it has one, then where the broker deliveries and the database statements go.
/// </summary>
internal static class ResultPrinter
{
    private const double ReportsPerSecondTarget = 100;
    private const double InMemoryShareTarget = 0.5;
    private const double DrainTarget = 50;
    private const double LogLinesTarget = 3;

    public static void Print(RunResult run, BenchOptions options)
    {
        var n = (double)run.Reports;
        var table = new MarkdownTable("figure", "value", "target (issue 10)");
        void Row(string figure, string value, string target = "") => table.Add(figure, value, target);

        var isService = run.ServiceCpu is not null;
        Row("reports/s end to end", F(run.ReportsPerSecond, "0.0"),
            isService && !options.GateBinds ? Verdict(run.ReportsPerSecond >= ReportsPerSecondTarget, $">= {ReportsPerSecondTarget}") : "");
        Row("elapsed, first publish to last terminal event", $"{F(run.Elapsed.TotalSeconds, "0.0")} s " +
                                                              $"(publishing took {F(run.PublishingTime.TotalSeconds, "0.0")} s)");
        var latencies = run.LatenciesSeconds.Order().ToArray();
        Row("publish to terminal event p50 / p95 / p99", $"{Seconds(latencies, 0.50)} / {Seconds(latencies, 0.95)} / {Seconds(latencies, 0.99)}");

        if (run.Broker is { } broker)
        {
            Row("broker messages published per report (by the service)", F(broker.Published / n, "0.0"));
            Row("broker deliveries per report (to the service's queues)", F(broker.Delivered / n, "0.0"));
        }

        if (isService)
        {
            Row("database statements per report", run.Statements is { } statements
                ? F(statements.Sum(s => s.Calls) / n, "0.0")
                : "n/a (server without pg_stat_statements)");
            Row("database transactions per report", F((run.Transactions ?? 0) / n, "0.0"));
            Row("log lines per report", $"{F(run.LogLines!.Value / n, "0.0")} ({F(run.LogBytes!.Value / n / 1024, "0.0")} KB)",
                Verdict(run.LogLines.Value / n <= LogLinesTarget, $"<= {LogLinesTarget} (start, submission, end)"));
            Row("service CPU per report", $"{F(run.ServiceCpu!.Value.TotalMilliseconds / n, "0.0")} ms" +
                                          (run.Instances > 1 ? $" (sum of {run.Instances} instances)" : ""));
            Row("service peak RSS" + (run.Instances > 1 ? " (largest instance)" : ""), $"{F(run.ServicePeakResidentBytes!.Value / 1048576.0, "0")} MB");
            var sessions = run.Sessions!;
            // With a provider that answers at once these are the short gaps between one transaction's statements (the
            // service working between them); that no provider call is made inside a transaction is what the
            // integration test When_the_provider_takes_ten_seconds_per_call checks, with a 10 s provider.
            Row("PostgreSQL sessions idle in transaction (most at once; samples seeing any)",
                $"{sessions.MostIdleInTransaction} ({sessions.SamplesWithIdleInTransaction} of {sessions.Samples} samples every {SessionSamplerInterval} ms)",
                "between statements; no call inside (10 s provider test)");
            var poolLimit = run.PoolSizePerInstance!.Value * run.Instances;
            Row("PostgreSQL connections (most at once)", sessions.MostSessions.ToString(CultureInfo.InvariantCulture),
                Verdict(sessions.MostSessions <= poolLimit, $"<= {poolLimit} (pool {run.PoolSizePerInstance} x {run.Instances}; server max_connections {run.ServerMaxConnections})"));
        }

        Row("benchmark process CPU per report" + (isService ? " (simulator, publisher, subscriber)" : " (pipeline, simulator, publisher)"),
            $"{F(run.BenchCpu.TotalMilliseconds / n, "0.0")} ms");
        PrintOrder(run.Order, Row, options);

        Console.WriteLine();
        Console.WriteLine($"{run.Title}: {run.Reports:N0} reports, Submission__MaxInFlight={options.MaxInFlight}");
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine();
        PrintBreakdown(run);
    }

    /// <summary>The real pipeline's throughput as a share of the in-memory bound's.</summary>
    public static void PrintRatio(RunResult service, RunResult inMemory)
    {
        var ratio = service.ReportsPerSecond / inMemory.ReportsPerSecond;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"real / in-memory: {service.ReportsPerSecond:0.0} / {inMemory.ReportsPerSecond:0.0} reports/s = {ratio:0.00}  " +
            $"(target >= {InMemoryShareTarget:0.0}: {(ratio >= InMemoryShareTarget ? "met" : "MISSED")})"));
    }

    private static int SessionSamplerInterval => (int)Infrastructure.SessionSampler.Interval.TotalMilliseconds;

    private static void PrintOrder(SubmissionOrder order, Action<string, string, string> row, BenchOptions options)
    {
        var waits = order.QueueWaitsSeconds.Order().ToArray();
        row("queue wait, publish to submission at the provider p50 / p99 / max",
            $"{Seconds(waits, 0.50)} / {Seconds(waits, 0.99)} / {(waits.Length == 0 ? "-" : F(waits[^1], "0.00") + " s")}", "");
        row("submissions per second at the provider (first to last)", F(order.DrainPerSecond, "0.0"),
            options.GateBinds ? Verdict(order.DrainPerSecond >= DrainTarget, $">= {DrainTarget} (queued behind the cap)") : "");
        row($"reports still waiting > {SubmissionOrder.OvertakeTolerance.TotalSeconds:0} s after a later request was submitted",
            $"{order.OvertakenBeyondTolerance} (longest {F(order.LongestOvertakeSeconds, "0.00")} s)",
            options.GateBinds ? Verdict(order.OvertakenBeyondTolerance == 0, "0 (first come, first served, queued behind the cap)") : "");
        row("reports the provider created more than once", order.SubmittedMoreThanOnce.ToString(CultureInfo.InvariantCulture),
            Verdict(order.SubmittedMoreThanOnce == 0, "0"));
    }

    private static void PrintBreakdown(RunResult run)
    {
        var n = (double)run.Reports;
        if (run.Broker is { } broker)
        {
            Console.WriteLine("deliveries per report by queue: " + string.Join(", ", broker.DeliveredByQueue
                .Where(q => q.Value > 0).OrderByDescending(q => q.Value).Select(q => $"{q.Key} {F(q.Value / n, "0.00")}")));
        }

        if (run.Statements is { Count: > 0 } statements)
        {
            // Every statement that runs at least once in ten reports: where the database's share of a report goes.
            Console.WriteLine("statements, most frequent first: executions per report, server ms per report (planning and execution)");
            foreach (var statement in statements.Where(s => s.Calls / n >= 0.1))
                Console.WriteLine($"  {F(statement.Calls / n, "0.00"),6}  {F(statement.ServerTime.TotalMilliseconds / n, "0.000"),6}  {OneLine(statement.Query)}");
            Console.WriteLine($"  server time in statements per report: {F(statements.Sum(s => s.ServerTime.TotalMilliseconds) / n, "0.00")} ms");
        }
    }

    private static string Seconds(double[] sorted, double p) =>
        sorted.Length == 0 ? "-" : F(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], "0.00") + " s";

    private static string Verdict(bool met, string target) => $"{target}: {(met ? "met" : "MISSED")}";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string OneLine(string query)
    {
        var flat = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 110 ? flat : flat[..107] + "...";
    }
}
