namespace ReportSaga.Orchestration.Policies;

/// <summary>
/// Recent durations kept in this process only: for MassTransit's in-memory saga repository (the test harness) and the
/// polling benchmark. A service with a database uses the database store, which every instance shares.
/// </summary>
public sealed class InMemoryRecentReportDurations : IRecentReportDurations
{
    /// <summary>Durations kept per band; older ones are dropped.</summary>
    public const int KeptPerBand = 1000;

    private readonly Dictionary<SizeBand, Queue<TimeSpan>> _bands = [];
    private readonly Lock _lock = new();

    public Task<IReadOnlyList<TimeSpan>> SimilarAsync(long? estimatedCredits, int count, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<TimeSpan> recent = _bands.TryGetValue(SizeBand.Of(estimatedCredits), out var kept)
                ? kept.Reverse().Take(Math.Max(0, count)).ToList()
                : [];
            return Task.FromResult(recent);
        }
    }

    public Task RecordAsync(long? estimatedCredits, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var band = SizeBand.Of(estimatedCredits);
            if (!_bands.TryGetValue(band, out var kept))
                _bands[band] = kept = new Queue<TimeSpan>();
            kept.Enqueue(duration);
            if (kept.Count > KeptPerBand)
                kept.Dequeue();
        }
        return Task.CompletedTask;
    }
}
