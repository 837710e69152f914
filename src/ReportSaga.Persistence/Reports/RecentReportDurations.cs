using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Reports;

/// <summary>
/// Recent report durations read from the completed reports' own saga rows (kept for <c>Reports__Retention</c>), so
/// every instance learns the same and nothing new is written. One untracked read on a context of its own, no
/// transaction and no lock; each size band's answer is reused for <see cref="Freshness"/>, so a burst of
/// submissions costs one read per band, not one per report.
/// </summary>
internal sealed class RecentReportDurations(IReportSagaDbContextFactory factory, TimeProvider time) : IRecentReportDurations
{
    /// <summary>How long one band's answer is reused before the database is read again.</summary>
    internal static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private const string CompletedState = nameof(ReportStateMachine.Completed);

    private readonly Dictionary<(SizeBand Band, int Count), (DateTimeOffset ReadAt, IReadOnlyList<TimeSpan> Durations)> _read = [];
    private readonly Lock _lock = new();

    public async Task<IReadOnlyList<TimeSpan>> SimilarAsync(long? estimatedCredits, int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
            return [];
        var key = (SizeBand.Of(estimatedCredits), count);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_read.TryGetValue(key, out var known) && now - known.ReadAt < Freshness)
                return known.Durations;
        }

        var durations = await ReadAsync(key.Item1, count, cancellationToken);
        lock (_lock)
            _read[key] = (now, durations);
        return durations;
    }

    public Task RecordAsync(long? estimatedCredits, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    private async Task<IReadOnlyList<TimeSpan>> ReadAsync(SizeBand band, int count, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var completed = db.Reports.AsNoTracking()
            .Where(x => x.CurrentState == CompletedState && x.SubmittedAt != null && x.CompletedAt != null);
        completed = band.From is { } from && band.Below is { } below
            ? completed.Where(x => x.EstimatedCredits >= from && x.EstimatedCredits < below)
            : completed.Where(x => x.EstimatedCredits == null || x.EstimatedCredits <= 0);

        if (db.Provider == StorageProvider.Sqlite)
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
