namespace ReportSaga.Orchestration.Options;

/// <summary>Limits of one report's life; section <c>Reports</c>.</summary>
public sealed class ReportsOptions
{
    public const string SectionName = "Reports";

    /// <summary>How long a report may take, from request to result, before it fails with <c>deadline_exceeded</c>.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many times an <c>internal_error</c> is answered with the retry call before <c>retries_exhausted</c>.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry call; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before a retry call.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a finished report is kept (for <c>GET /reports/{id}</c>, <c>GetReportStatus</c> and recognising a
    /// repeated request id) before it is removed from the database.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
