using ReportSaga.Orchestration.Options;

namespace ReportSaga.Orchestration.Policies;

/// <summary>
/// When to check a submitted report's status next. The aim is to hear of completion soon after it happens, measured
/// against the report's own duration, with few calls:
/// <list type="bullet">
/// <item>The first check waits <see cref="PollingOptions.FirstCheckShare"/> of the quickest of the recently completed
/// reports of similar size, when there are at least <see cref="PollingOptions.MinRecentReports"/> of them (reports
/// that all took 20 minutes or more are not asked after 5 s); otherwise <see cref="PollingOptions.InitialInterval"/>.</item>
/// <item>Up to <see cref="PollingOptions.ShortReportAge"/> the waits grow by <see cref="PollingOptions.BackoffFactor"/>
/// to at most <see cref="PollingOptions.ShortReportInterval"/> (or <see cref="PollingOptions.MaxInterval"/> if that is
/// shorter): a short report is heard of within about that.</item>
/// <item>Then each wait is <see cref="PollingOptions.DelayShare"/> of the report's age, at most
/// <see cref="PollingOptions.MaxInterval"/>: the checks of a long report thin out geometrically, and its completion is
/// heard of within about that share of its duration. Age counts from submission, so time spent pending or in the
/// provider's own retries counts too: the delay is judged against what the requester waited.</item>
/// </list>
/// Every wait is spread by ±<see cref="PollingOptions.Jitter"/>, so reports submitted together drift apart. A
/// <c>Retry-After</c> or a 429 is not this policy's: the saga waits for those as the provider asked.
/// </summary>
public sealed class PollingPolicy(PollingOptions options)
{
    /// <summary>Whether the first check consults recently completed reports.</summary>
    public bool UsesRecentReports => options.RecentReports > 0;

    /// <summary>How many recent similar reports to consult.</summary>
    public int RecentReports => options.RecentReports;

    /// <summary>The wait from submission to the first check.</summary>
    /// <param name="recentSimilar">Submission-to-completion durations of recently completed reports of similar size.</param>
    /// <param name="random">A value in [0, 1); <see cref="Random.Shared"/> when null (tests pass their own).</param>
    public TimeSpan FirstWait(IReadOnlyCollection<TimeSpan> recentSimilar, double? random = null)
    {
        var wait = options.InitialInterval;
        if (UsesRecentReports && recentSimilar.Count >= Math.Max(1, options.MinRecentReports))
        {
            var learned = recentSimilar.Min() * options.FirstCheckShare;
            if (learned > wait)
                wait = learned;
        }
        return Spread(wait, random);
    }

    /// <summary>The wait before the next check of a report that is not finished yet.</summary>
    /// <param name="age">Time since the report was submitted.</param>
    /// <param name="attempt">Checks made since submission (or since the last retry call), so 1 after the first.</param>
    /// <param name="random">A value in [0, 1); <see cref="Random.Shared"/> when null (tests pass their own).</param>
    public TimeSpan NextWait(TimeSpan age, int attempt, double? random = null)
    {
        TimeSpan wait;
        if (age < options.ShortReportAge)
        {
            var exponent = Math.Min(Math.Max(attempt, 0), 64);
            var grown = options.InitialInterval.TotalMilliseconds * Math.Pow(options.BackoffFactor, exponent);
            var longest = Math.Min(Math.Max(options.ShortReportInterval.TotalMilliseconds, options.InitialInterval.TotalMilliseconds), options.MaxInterval.TotalMilliseconds);
            wait = TimeSpan.FromMilliseconds(Math.Min(grown, longest));
        }
        else
        {
            var share = age.TotalMilliseconds * options.DelayShare;
            wait = TimeSpan.FromMilliseconds(Math.Clamp(share, options.InitialInterval.TotalMilliseconds, options.MaxInterval.TotalMilliseconds));
        }
        return Spread(wait, random);
    }

    private TimeSpan Spread(TimeSpan wait, double? random)
    {
        var spread = 1 + options.Jitter * (2 * (random ?? Random.Shared.NextDouble()) - 1);
        return TimeSpan.FromMilliseconds(Math.Max(1, wait.TotalMilliseconds * spread));
    }
}
