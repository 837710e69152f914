using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Reports;

/// <summary>
/// Recent report durations read from the completed reports' own saga rows (kept for <c>Reports__Retention</c>), so
/// every instance learns the same and nothing new is written. Scoped: the read is one untracked query on the message
/// scope's own <see cref="ReportSagaDbContext"/>, so inside a saga's consume it uses that consume's connection. A
/// context of its own would take a second pooled connection while the saga's transaction holds the first; with every
/// pooled connection held by such consumes, they would all wait for a connection none of them gives back. Each size
/// band's answer is kept in <see cref="RecentReportDurationsCache"/> for <see cref="Freshness"/>, so a burst of
/// submissions costs one read per band and instance, not one per report.
/// </summary>
internal sealed class RecentReportDurations(ReportSagaDbContext db, RecentReportDurationsCache cache, TimeProvider time) : IRecentReportDurations
{
    /// <summary>How long one band's answer is reused before the database is read again.</summary>
    internal static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private const string CompletedState = ReportStates.Completed;

    public async Task<IReadOnlyList<TimeSpan>> SimilarAsync(long? estimatedCredits, int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
            return [];
        var key = (SizeBand.Of(estimatedCredits), count);
        var now = time.GetUtcNow();
        if (cache.TryGet(key, now - Freshness) is { } known)
            return known;

        var durations = await ReadAsync(key.Item1, count, cancellationToken);
        cache.Set(key, now, durations);
        return durations;
    }

    public Task RecordAsync(long? estimatedCredits, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    private async Task<IReadOnlyList<TimeSpan>> ReadAsync(SizeBand band, int count, CancellationToken cancellationToken)
    {
        var completed = db.Reports.AsNoTracking()
            .Where(x => x.CurrentState == CompletedState && x.SubmittedAt != null && x.CompletedAt != null);
        completed = band.From is { } from && band.Below is { } below
            ? completed.Where(x => x.EstimatedCredits >= from && x.EstimatedCredits < below)
            : completed.Where(x => x.EstimatedCredits == null || x.EstimatedCredits <= 0);

        if (!db.Dialect.OrdersDateTimeOffsetsInSql)
        {
            // SQLite keeps DateTimeOffset as text, which EF Core cannot order in SQL; the embedded store is one small
            // instance, so the band's completed rows are ordered here.
            var rows = await completed.Select(x => new { x.SubmittedAt, x.CompletedAt }).ToListAsync(cancellationToken);
            return [.. rows.OrderByDescending(x => x.CompletedAt).Take(count).Select(x => x.CompletedAt!.Value - x.SubmittedAt!.Value)];
        }

        var recent = await completed.OrderByDescending(x => x.CompletedAt).Take(count)
            .Select(x => new { x.SubmittedAt, x.CompletedAt }).ToListAsync(cancellationToken);
        return [.. recent.Select(x => x.CompletedAt!.Value - x.SubmittedAt!.Value)];
    }
}

/// <summary>The answers of <see cref="RecentReportDurations"/> by size band and count, shared by the instance's scopes.</summary>
internal sealed class RecentReportDurationsCache
{
    private readonly Dictionary<(SizeBand Band, int Count), (DateTimeOffset ReadAt, IReadOnlyList<TimeSpan> Durations)> _read = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<TimeSpan>? TryGet((SizeBand Band, int Count) key, DateTimeOffset readSince)
    {
        lock (_lock)
            return _read.TryGetValue(key, out var known) && known.ReadAt > readSince ? known.Durations : null;
    }

    public void Set((SizeBand Band, int Count) key, DateTimeOffset readAt, IReadOnlyList<TimeSpan> durations)
    {
        lock (_lock)
            _read[key] = (readAt, durations);
    }
}
