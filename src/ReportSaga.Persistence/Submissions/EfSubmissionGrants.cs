using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The gate's grants on the database, each pass one short transaction: count the slots taken (granted entries, at most
/// <c>MaxInFlight</c> rows), take the oldest waiting entries for the free ones, mark them granted. Passes are serialised
/// across instances (PostgreSQL: a transaction-scoped advisory lock; SQLite, one instance: an in-process lock), so the
/// cap is exact; reports only ever add waiting entries or delete their own, which can only free slots. No report
/// message touches a shared row, and no step reads more than the entries it grants.
/// </summary>
internal sealed class EfSubmissionGrants(IReportSagaDbContextFactory factory, TimeProvider time) : ISubmissionGrants
{
    /// <summary>The advisory lock key of the gate ("RSGATE" in ASCII).</summary>
    private const long GateLockKey = 0x525347415445;

    private const string NextInLineSql =
        "SELECT * FROM submission_slot WHERE granted_at IS NULL ORDER BY queued_at, request_id LIMIT {0} FOR UPDATE SKIP LOCKED";

    public async Task<IReadOnlyList<SubmissionGrant>> GrantAsync(int maxInFlight, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        if (db.Provider == StorageProvider.Sqlite)
        {
            using var gate = await InProcessLocks.AcquireAsync("submission-gate", cancellationToken);
            return await TransactionRunner.RunAsync(db, () => GrantInTransactionAsync(db, maxInFlight, cancellationToken), cancellationToken);
        }

        return await TransactionRunner.RunAsync(db, async () =>
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({GateLockKey})", cancellationToken);
            return await GrantInTransactionAsync(db, maxInFlight, cancellationToken);
        }, cancellationToken);
    }

    private async Task<IReadOnlyList<SubmissionGrant>> GrantInTransactionAsync(ReportSagaDbContext db, int maxInFlight, CancellationToken cancellationToken)
    {
        var taken = await db.SubmissionSlots.CountAsync(x => x.GrantedAt != null, cancellationToken);
        var free = maxInFlight - taken;
        if (free <= 0)
            return [];

        var next = db.Provider == StorageProvider.Postgres
            ? await db.SubmissionSlots.FromSqlRaw(NextInLineSql, free).AsTracking().ToListAsync(cancellationToken)
            : await db.SubmissionSlots.Where(x => x.GrantedAt == null).OrderBy(x => x.QueuedAt).ThenBy(x => x.RequestId)
                .Take(free).AsTracking().ToListAsync(cancellationToken);
        if (next.Count == 0)
            return [];

        var now = time.GetUtcNow().UtcDateTime;
        foreach (var slot in next)
            slot.GrantedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return next.Select(x => new SubmissionGrant(x.RequestId, x.TraceParent)).ToList();
    }

    public async Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        var before = grantedBefore.UtcDateTime;
        return await db.SubmissionSlots.AsNoTracking()
            .Where(x => x.GrantedAt != null && x.GrantedAt < before && !x.Claimed)
            .OrderBy(x => x.GrantedAt).Take(limit).Select(x => new SubmissionGrant(x.RequestId, x.TraceParent))
            .ToListAsync(cancellationToken);
    }

    public async Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        var inFlight = await db.SubmissionSlots.LongCountAsync(x => x.GrantedAt != null, cancellationToken);
        var waiting = await db.SubmissionSlots.LongCountAsync(x => x.GrantedAt == null, cancellationToken);
        var oldest = await db.SubmissionSlots.Where(x => x.GrantedAt == null).OrderBy(x => x.QueuedAt)
            .Select(x => (DateTime?)x.QueuedAt).FirstOrDefaultAsync(cancellationToken);
        return new SubmissionGateCounts(inFlight, waiting, oldest is null ? null : new DateTimeOffset(oldest.Value, TimeSpan.Zero));
    }
}
