namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The account's remaining credits for the account guard, read from the provider (<c>/v3/batch/credits</c>) at most
/// once per <c>Credits__AccountCacheFor</c> and shared by the instances through the store. Never called inside a
/// database transaction: the provider call happens between short reads and writes.
/// </summary>
public interface IAccountCreditsCache
{
    /// <summary>
    /// The remaining credits, no older than <paramref name="maxAge"/> when the provider answers; the last reading when
    /// it does not; null when none was ever read (the guard then holds nothing).
    /// </summary>
    Task<long?> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken = default);

    /// <summary>The last reading, without asking anyone (for the gauge).</summary>
    long? Last { get; }
}
