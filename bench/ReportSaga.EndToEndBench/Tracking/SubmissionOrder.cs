using System.Diagnostics;
using ReportSaga.Simulator;

namespace ReportSaga.EndToEndBench.Tracking;

/// <summary>
/// When the provider (the simulator) created each report, against when it was published: the queue wait, the drain
/// rate, and whether a report was still waiting after one published later had been submitted (first come, first
/// served). Concurrent consumers reorder reports by milliseconds; only an overtaking beyond
/// <see cref="OvertakeTolerance"/> counts.
/// </summary>
internal sealed record SubmissionOrder(
    int Submitted,
    int SubmittedMoreThanOnce,
    double DrainPerSecond,
    double[] QueueWaitsSeconds,
    int OvertakenBeyondTolerance,
    double LongestOvertakeSeconds)
{
    public static readonly TimeSpan OvertakeTolerance = TimeSpan.FromSeconds(1);

    public static SubmissionOrder Measure(ReportTracker tracker, SimulatorState simulator)
    {
        // The simulator stamps submissions with wall-clock time; map it onto Stopwatch timestamps.
        var wallNow = DateTimeOffset.UtcNow;
        var ticksNow = Stopwatch.GetTimestamp();
        long ToTimestamp(DateTimeOffset at) => ticksNow - (long)((wallNow - at).TotalSeconds * Stopwatch.Frequency);

        var submittedAt = new long?[tracker.Count];
        var repeated = 0;
        foreach (var report in simulator.SubmittedReports())
        {
            var index = tracker.IndexOfName(report.ReportName);
            if (index < 0)
                continue;
            if (submittedAt[index] is not null)
                repeated++;
            else
                submittedAt[index] = ToTimestamp(report.SubmittedAt);
        }

        var submitted = Enumerable.Range(0, tracker.Count).Where(i => submittedAt[i] is not null).ToArray();
        var waits = submitted.Select(i => Stopwatch.GetElapsedTime(tracker.PublishedAt(i), submittedAt[i]!.Value).TotalSeconds).ToArray();
        var times = submitted.Select(i => submittedAt[i]!.Value).Order().ToArray();
        var drain = times.Length > 1 ? (times.Length - 1) / Stopwatch.GetElapsedTime(times[0], times[^1]).TotalSeconds : 0;

        // Walk publish order backwards keeping the earliest submission of any later-published report.
        var overtaken = 0;
        var longest = 0.0;
        var earliestLater = long.MaxValue;
        for (var k = submitted.Length - 1; k >= 0; k--)
        {
            var at = submittedAt[submitted[k]]!.Value;
            if (earliestLater < at)
            {
                var late = Stopwatch.GetElapsedTime(earliestLater, at);
                longest = Math.Max(longest, late.TotalSeconds);
                if (late > OvertakeTolerance)
                    overtaken++;
            }

            earliestLater = Math.Min(earliestLater, at);
        }

        return new SubmissionOrder(submitted.Length, repeated, drain, waits, overtaken, longest);
    }
}
