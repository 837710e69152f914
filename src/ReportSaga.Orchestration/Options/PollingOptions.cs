namespace ReportSaga.Orchestration.Options;

/// <summary>How often a submitted report's status is checked; section <c>Polling</c>.</summary>
public sealed class PollingOptions
{
    public const string SectionName = "Polling";

    /// <summary>The first wait after submission (and after a retry), <c>Polling__InitialInterval</c>.</summary>
    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two checks, <c>Polling__MaxInterval</c>.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How much each wait grows over the one before, <c>Polling__BackoffFactor</c>.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>
    /// The random share of each wait (0.2: ±20 %), <c>Polling__Jitter</c>, so that reports submitted together
    /// do not poll the provider in lockstep.
    /// </summary>
    public double Jitter { get; set; } = 0.2;
}
