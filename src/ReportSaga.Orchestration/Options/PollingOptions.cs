namespace ReportSaga.Orchestration.Options;

/// <summary>
/// How often a submitted report's status is checked; section <c>Polling</c>. The policy that reads these is
/// <see cref="Policies.PollingPolicy"/>: young reports are checked often (a short report is heard of within about
/// <see cref="ShortReportInterval"/>), older ones every <see cref="DelayShare"/> of their age (a long report is heard
/// of within about that share of its duration), and the first check waits for the quickest recent report of similar
/// size when there are enough of them.
/// </summary>
public sealed class PollingOptions
{
    public const string SectionName = "Polling";

    /// <summary>The most recent reports <see cref="RecentReports"/> may ask for: one bounded read per submission.</summary>
    public const int MostRecentReports = 1000;

    /// <summary>The first wait after submission (and after a retry) when no recent report says more, <c>Polling__InitialInterval</c>.</summary>
    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How much each wait of a young report grows over the one before, up to <see cref="ShortReportInterval"/>, <c>Polling__BackoffFactor</c>.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>The longest wait between two checks of a report younger than <see cref="ShortReportAge"/>, <c>Polling__ShortReportInterval</c>.</summary>
    public TimeSpan ShortReportInterval { get; set; } = TimeSpan.FromSeconds(14);

    /// <summary>Up to this age (since submission) a report is checked every <see cref="ShortReportInterval"/> at most, <c>Polling__ShortReportAge</c>.</summary>
    public TimeSpan ShortReportAge { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>
    /// Past <see cref="ShortReportAge"/>, the wait is this share of the report's age (0.09: a report that has run
    /// 40 minutes is checked again in about 3.6), so completion is heard of within about this share of the report's
    /// duration, with few calls; <c>Polling__DelayShare</c>.
    /// </summary>
    public double DelayShare { get; set; } = 0.09;

    /// <summary>
    /// The longest wait between two checks, <c>Polling__MaxInterval</c>. The first check may wait longer, when every
    /// recent similar report took longer (see <see cref="FirstCheckShare"/>).
    /// </summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The random share of each wait (0.1: ±10 %), <c>Polling__Jitter</c>, so that reports submitted together
    /// do not poll the provider in lockstep.
    /// </summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>
    /// How many recently completed reports of similar size (estimated credits within a factor of two) are consulted
    /// for the first check, <c>Polling__RecentReports</c>; 0 turns this off. They are read from the database, so every
    /// instance learns the same.
    /// </summary>
    public int RecentReports { get; set; } = 50;

    /// <summary>Fewer recent similar reports than this and the first check waits <see cref="InitialInterval"/>, <c>Polling__MinRecentReports</c>.</summary>
    public int MinRecentReports { get; set; } = 20;

    /// <summary>
    /// The first check waits this share of the quickest recent similar report's duration, <c>Polling__FirstCheckShare</c>
    /// (0.8: a margin for a report a little quicker than any seen lately).
    /// </summary>
    public double FirstCheckShare { get; set; } = 0.8;
}
