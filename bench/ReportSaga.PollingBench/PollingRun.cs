namespace ReportSaga.PollingBench;

/// <summary>What one poller cost and how late it heard, over one report set.</summary>
internal sealed record PollingResult(string Poller, double CallsPerReport, double DelayP50, double DelayP95, double ShareP50, double ShareP95, int MaxCalls);

/// <summary>
/// Runs one poller over one report set on virtual time: submissions and checks of every report are taken in time
/// order, so what a report learns at submission is what had completed (and been heard of) by then. One check per
/// report at a time, as in the saga (the next is planned only after the answer).
/// </summary>
internal static class PollingRun
{
    public static async Task<PollingResult> RunAsync(IPoller poller, IReadOnlyList<BenchReport> reports)
    {
        var due = new PriorityQueue<(BenchReport Report, bool IsSubmission), (TimeSpan At, long Order)>();
        long order = 0;
        foreach (var report in reports)
            due.Enqueue((report, true), (report.SubmittedAt, order++));

        var calls = new int[reports.Count];
        var delays = new double[reports.Count];
        var shares = new double[reports.Count];
        while (due.TryDequeue(out var item, out var when))
        {
            var report = item.Report;
            if (item.IsSubmission)
            {
                due.Enqueue((report, false), (when.At + await poller.FirstWaitAsync(report), order++));
                continue;
            }

            calls[report.Index]++;
            if (when.At >= report.CompletesAt)
            {
                var delay = (when.At - report.CompletesAt).TotalSeconds;
                delays[report.Index] = delay;
                shares[report.Index] = delay / report.Duration.TotalSeconds;
                await poller.CompletedAsync(report, when.At - report.SubmittedAt);
                continue;
            }
            var wait = poller.NextWait(report, when.At - report.SubmittedAt, calls[report.Index]);
            due.Enqueue((report, false), (when.At + wait, order++));
        }

        return new PollingResult(poller.Name, calls.Average(), Percentile(delays, 0.50), Percentile(delays, 0.95),
            Percentile(shares, 0.50), Percentile(shares, 0.95), calls.Max());
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
