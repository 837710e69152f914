using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Reports;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Retention;

/// <summary>
/// Removes finished reports (<c>Completed</c>, <c>Failed</c>) whose last change is older than
/// <see cref="ReportsOptions.Retention"/>, with their submission-ledger rows, so a service that runs for years does
/// not keep every report it ever ran. Until then a finished report answers <c>GET /reports/{id}</c> and
/// <c>GetReportStatus</c>, and a repeated <c>RequestReport</c> with its request id is recognised; after it, that
/// request id is unknown again. Unfinished reports are never touched. Safe with several instances: each pass deletes
/// in small batches, and on PostgreSQL instances purging at once take different rows (see the batch query).
/// </summary>
internal sealed class FinishedReportRetentionService(
    IReportSagaDbContextFactory factory,
    TimeProvider time,
    IOptions<ReportsOptions> reports,
    ILogger<FinishedReportRetentionService> logger) : BackgroundService
{
    /// <summary>Rows deleted per transaction, so a first pass over a large table does not hold long locks.</summary>
    internal const int BatchSize = 500;

    /// <summary>How often the retention pass runs.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private static readonly string[] FinishedStates = [.. ReportStates.Finished];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                var removed = await PurgeAsync(stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} finished report(s) older than {Retention}", removed, reports.Value.Retention);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Removing finished reports failed; the next pass tries again");
            }
        }
    }

    /// <summary>Removes every finished report past the retention; returns how many.</summary>
    internal async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var removed = await PurgeBatchAsync(cancellationToken);
            total += removed;
            if (removed < BatchSize)
                return total;
        }
    }

    private async Task<int> PurgeBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var cutoff = time.GetUtcNow() - reports.Value.Retention;
        return await TransactionRunner.RunAsync(db, db.Dialect, async () =>
        {
            var finished = db.Reports.AsNoTracking().Where(x => x.CurrentState != null && FinishedStates.Contains(x.CurrentState));
            var ids = !db.Dialect.OrdersDateTimeOffsetsInSql
                // SQLite keeps DateTimeOffset as text, which EF Core cannot compare in SQL; the embedded store is one
                // small instance, so the finished rows' ids and times are filtered here.
                ? (await finished.Select(x => new { x.CorrelationId, x.UpdatedAt }).ToListAsync(cancellationToken))
                    .Where(x => x.UpdatedAt < cutoff).OrderBy(x => x.UpdatedAt).Select(x => x.CorrelationId).Take(BatchSize).ToList()
                // SKIP LOCKED: instances purging at the same time take different rows, so they never wait on (or
                // deadlock with) each other.
                : (await db.Reports.FromSqlRaw(db.Dialect.ForUpdateSkipLocked(
                        "SELECT * FROM report_state WHERE current_state IN ({0}, {1}) AND updated_at < {2} " +
                        "ORDER BY updated_at LIMIT {3}"),
                        FinishedStates[0], FinishedStates[1], cutoff, BatchSize)
                    .AsNoTracking().ToListAsync(cancellationToken)).Select(x => x.CorrelationId).ToList();
            if (ids.Count == 0)
                return 0;

            await db.SubmissionRecords.Where(x => ids.Contains(x.RequestId)).ExecuteDeleteAsync(cancellationToken);
            await db.ReportHistory.Where(x => ids.Contains(x.RequestId)).ExecuteDeleteAsync(cancellationToken);
            // Finished again in the delete itself: a row is removed only in an end state, whatever happened meanwhile.
            return await db.Reports
                .Where(x => ids.Contains(x.CorrelationId) && x.CurrentState != null && FinishedStates.Contains(x.CurrentState))
                .ExecuteDeleteAsync(cancellationToken);
        }, cancellationToken);
    }
}
