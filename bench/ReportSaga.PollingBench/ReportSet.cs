namespace ReportSaga.PollingBench;

/// <summary>One report as the provider runs it: when it is submitted, how long it takes, how big it was estimated.</summary>
internal sealed record BenchReport(int Index, TimeSpan SubmittedAt, TimeSpan Duration, long EstimatedCredits)
{
    public TimeSpan CompletesAt => SubmittedAt + Duration;
}

/// <summary>
/// A seeded set of reports: durations log-uniform between two bounds, submissions spread so that about
/// <c>inFlight</c> run at once (arrivals a Poisson process), so the later ones can learn from the earlier ones as in a
/// running service. Estimated credits either say nothing about the duration (the same for every report) or follow it
/// with log-normal noise (<c>sizeNoise</c>: the standard deviation of the log; 1 means a factor of e either way is usual).
/// </summary>
internal static class ReportSet
{
    public static IReadOnlyList<BenchReport> Create(int count, TimeSpan shortest, TimeSpan longest, int inFlight, double? sizeNoise, int seed)
    {
        var random = new Random(seed);
        var (low, high) = (Math.Log(shortest.TotalSeconds), Math.Log(longest.TotalSeconds));
        var meanDuration = (longest.TotalSeconds - shortest.TotalSeconds) / (high - low);
        var meanGap = meanDuration / inFlight;
        var reports = new List<BenchReport>(count);
        var at = 0.0;
        for (var i = 0; i < count; i++)
        {
            var duration = Math.Exp(low + (high - low) * random.NextDouble());
            var credits = sizeNoise is { } noise
                ? Math.Max(1, (long)Math.Round(duration * Math.Exp(noise * Gaussian(random))))
                : 1000;
            reports.Add(new BenchReport(i, TimeSpan.FromSeconds(at), TimeSpan.FromSeconds(duration), credits));
            at += -Math.Log(1 - random.NextDouble()) * meanGap;
        }
        return reports;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
