namespace ReportSaga.Orchestration.Policies;

/// <summary>
/// How long recently completed reports took, from submission to completion, by <see cref="SizeBand"/>: what the
/// polling policy learns from. The service reads it from the finished reports' own saga rows, so every instance
/// learns the same; the in-memory store is for the test harness and the polling benchmark.
/// </summary>
public interface IRecentReportDurations
{
    /// <summary>The durations of at most <paramref name="count"/> of the most recently completed reports in the band of <paramref name="estimatedCredits"/>.</summary>
    Task<IReadOnlyList<TimeSpan>> SimilarAsync(long? estimatedCredits, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// A report completed. The database store has nothing to do here: the report's saga row, saved with this state
    /// change, is the record.
    /// </summary>
    Task RecordAsync(long? estimatedCredits, TimeSpan duration, CancellationToken cancellationToken = default);
}
