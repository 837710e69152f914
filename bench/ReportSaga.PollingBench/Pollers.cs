using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Policies;

namespace ReportSaga.PollingBench;

/// <summary>A way of choosing when to check a report's status, as the saga asks it: once at submission, then after each answer that is not final.</summary>
internal interface IPoller
{
    string Name { get; }

    /// <summary>The wait from submission to the first check.</summary>
    Task<TimeSpan> FirstWaitAsync(BenchReport report);

    /// <summary>The wait after a check that found the report unfinished; <paramref name="attempt"/> is 1 after the first check.</summary>
    TimeSpan NextWait(BenchReport report, TimeSpan age, int attempt);

    /// <summary>The check at <paramref name="heardAfter"/> (since submission) found the report completed.</summary>
    Task CompletedAsync(BenchReport report, TimeSpan heardAfter);
}

/// <summary>
/// The service's policy: the same <see cref="PollingPolicy"/> and recent-durations store the saga uses, called the way
/// the saga calls them (the first wait from the recent similar reports at submission, then the age since submission
/// and the checks made so far, the completion recorded as submission to the check that saw it).
/// </summary>
internal sealed class ServicePoller(string name, PollingOptions options, int seed) : IPoller
{
    private readonly PollingPolicy _policy = new(options);
    private readonly InMemoryRecentReportDurations _recent = new();
    private readonly Random _random = new(seed);

    public string Name => name;

    /// <summary>How many first checks were placed by recent similar reports (the rest waited the initial interval).</summary>
    public int LearnedFirstChecks { get; private set; }

    public async Task<TimeSpan> FirstWaitAsync(BenchReport report)
    {
        IReadOnlyList<TimeSpan> recent = _policy.UsesRecentReports
            ? await _recent.SimilarAsync(report.EstimatedCredits, _policy.RecentReports)
            : [];
        if (recent.Count >= options.MinRecentReports && _policy.UsesRecentReports)
            LearnedFirstChecks++;
        return _policy.FirstWait(recent, _random.NextDouble());
    }

    public TimeSpan NextWait(BenchReport report, TimeSpan age, int attempt) => _policy.NextWait(age, attempt, _random.NextDouble());

    public Task CompletedAsync(BenchReport report, TimeSpan heardAfter) => _recent.RecordAsync(report.EstimatedCredits, heardAfter);
}

/// <summary>The previous default: <see cref="Backoff"/> from 5 s by 1.5 per check to 2 min, ±20 %.</summary>
internal sealed class PreviousBackoffPoller(int seed) : IPoller
{
    private readonly Random _random = new(seed);

    public string Name => "previous default (backoff 5 s x1.5 to 2 min)";

    public Task<TimeSpan> FirstWaitAsync(BenchReport report) => Task.FromResult(Delay(0));

    public TimeSpan NextWait(BenchReport report, TimeSpan age, int attempt) => Delay(attempt);

    public Task CompletedAsync(BenchReport report, TimeSpan heardAfter) => Task.CompletedTask;

    private TimeSpan Delay(int attempt) =>
        Backoff.Delay(attempt, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2), 1.5, 0.2, _random.NextDouble());
}

/// <summary>A public client's fixed interval, first check one interval after submission.</summary>
internal sealed class FixedPoller(TimeSpan interval) : IPoller
{
    public string Name => $"fixed {interval.TotalSeconds:0} s";

    public Task<TimeSpan> FirstWaitAsync(BenchReport report) => Task.FromResult(interval);

    public TimeSpan NextWait(BenchReport report, TimeSpan age, int attempt) => interval;

    public Task CompletedAsync(BenchReport report, TimeSpan heardAfter) => Task.CompletedTask;
}

/// <summary>The limit: one call at the moment of completion.</summary>
internal sealed class OraclePoller : IPoller
{
    public string Name => "oracle (one call at completion)";

    public Task<TimeSpan> FirstWaitAsync(BenchReport report) => Task.FromResult(report.Duration);

    public TimeSpan NextWait(BenchReport report, TimeSpan age, int attempt) =>
        throw new InvalidOperationException("The oracle's one call always finds the report completed.");

    public Task CompletedAsync(BenchReport report, TimeSpan heardAfter) => Task.CompletedTask;
}
