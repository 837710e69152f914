using Microsoft.EntityFrameworkCore;
using ReportSaga.EntityFrameworkCoreIntegration.Dialects;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The gate's grants on the database, each pass one short transaction: count the slots taken per requester (granted
/// entries, at most <c>MaxInFlight</c> rows), take each waiting requester's first entries per priority, decide with
/// <see cref="FairShareAllocator"/> (fair share, budgets, the account guard), mark them and charge the grants to their
/// requesters' day. Passes are serialised across instances (<see cref="IDatabaseDialect.RunExclusiveAsync{T}"/>:
/// PostgreSQL, a transaction-scoped advisory lock; SQLite, one instance, an in-process lock), so the cap and the budgets are exact; reports only ever add waiting entries or
/// delete their own, which can only free slots. No report message touches a shared row, and a pass reads a few entries
/// per waiting requester, never the whole line.
/// </summary>
internal sealed class EfSubmissionGrants(IReportSagaDbContextFactory factory, TimeProvider time) : ISubmissionGrants
{
    /// <summary>The lock key of the gate ("RSGATE" in ASCII).</summary>
    private const long GateLockKey = 0x525347415445;

    /// <summary>
    /// The waiting requesters of each priority, found by skipping through the waiting index (one index probe per
    /// requester, however many reports each has waiting), then each one's first {0} entries in line. Rows a report is
    /// deleting right now are skipped, not waited for.
    /// </summary>
    private static string HeadsOfLineSql(IDatabaseDialect dialect) => $$"""
        WITH RECURSIVE requesters AS (
            SELECT p.priority, (SELECT s.requested_by FROM submission_slot s
                                WHERE s.granted_at IS NULL AND s.priority = p.priority
                                ORDER BY s.requested_by LIMIT 1) AS requested_by
            FROM (VALUES (2::smallint), (1::smallint), (0::smallint)) AS p(priority)
            UNION ALL
            SELECT r.priority, (SELECT s.requested_by FROM submission_slot s
                                WHERE s.granted_at IS NULL AND s.priority = r.priority AND s.requested_by > r.requested_by
                                ORDER BY s.requested_by LIMIT 1)
            FROM requesters r WHERE r.requested_by IS NOT NULL
        )
        SELECT c.* FROM requesters r
        CROSS JOIN LATERAL (
            SELECT * FROM submission_slot s
            WHERE s.granted_at IS NULL AND s.priority = r.priority AND s.requested_by = r.requested_by
            {{dialect.ForUpdateSkipLocked("ORDER BY s.queued_at, s.request_id LIMIT {0}")}}
        ) c
        WHERE r.requested_by IS NOT NULL
        """;

    public async Task<GrantPass> GrantAsync(GrantRules rules, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        return await db.Dialect.RunExclusiveAsync(db, GateLockKey, () => GrantInTransactionAsync(db, rules, cancellationToken), cancellationToken);
    }

    private async Task<GrantPass> GrantInTransactionAsync(ReportSagaDbContext db, GrantRules rules, CancellationToken cancellationToken)
    {
        // A retried transaction starts from what the database holds, not from the failed attempt's tracked changes.
        db.ChangeTracker.Clear();
        var holders = await db.SubmissionSlots.Where(x => x.GrantedAt != null && x.Refusal == null)
            .GroupBy(x => x.RequestedBy)
            .Select(g => new { RequestedBy = g.Key, Count = g.Count(), Credits = g.Sum(x => x.EstimatedCredits) })
            .ToListAsync(cancellationToken);
        var free = rules.MaxInFlight - holders.Sum(x => x.Count);
        if (free <= 0)
            return GrantPass.Empty;

        var candidates = db.Dialect.LocksRows
            ? await db.SubmissionSlots.FromSqlRaw(HeadsOfLineSql(db.Dialect), free).AsTracking().ToListAsync(cancellationToken)
            : await SqliteHeadsOfLineAsync(db, free, cancellationToken);
        if (candidates.Count == 0)
            return GrantPass.Empty;
        candidates = candidates.OrderBy(x => x.QueuedAt).ThenBy(x => x.RequestId).ToList();

        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var spent = new Dictionary<string, long>(StringComparer.Ordinal);
        if (rules.HasBudgets)
        {
            var names = candidates.Select(x => x.RequestedBy).Distinct().ToList();
            foreach (var row in await db.CreditCharges.Where(x => x.Day == today && names.Contains(x.RequestedBy))
                         .GroupBy(x => x.RequestedBy).Select(g => new { g.Key, Credits = g.Sum(x => x.Credits) }).ToListAsync(cancellationToken))
                spent[row.Key] = row.Credits;
        }

        var outcomes = FairShareAllocator.Decide(
            rules,
            candidates.Select(x => new SubmissionEntry(x.RequestId, new DateTimeOffset(x.QueuedAt, TimeSpan.Zero), x.TraceParent, x.RequestedBy, x.Priority, x.EstimatedCredits)).ToList(),
            holders.ToDictionary(x => x.RequestedBy, x => x.Count, StringComparer.Ordinal),
            spent,
            holders.Sum(x => x.Credits));
        if (outcomes.Count == 0)
            return GrantPass.Empty;

        var slots = candidates.ToDictionary(x => x.RequestId);
        var granted = new List<SubmissionGrant>();
        var refused = new List<SubmissionGrant>();
        var held = new List<HeldForCredits>();
        foreach (var outcome in outcomes)
        {
            var slot = slots[outcome.Entry.RequestId];
            switch (outcome.Kind)
            {
                case SlotDecisionKind.Granted:
                    slot.GrantedAt = now;
                    db.CreditCharges.Add(new CreditCharge { RequestId = slot.RequestId, RequestedBy = slot.RequestedBy, Day = today, Credits = slot.EstimatedCredits });
                    granted.Add(new SubmissionGrant(slot.RequestId, slot.TraceParent, slot.StepToken));
                    break;
                case SlotDecisionKind.Refused:
                    slot.GrantedAt = now;
                    slot.Refusal = outcome.Reason;
                    refused.Add(new SubmissionGrant(slot.RequestId, slot.TraceParent));
                    break;
                default:
                    // Held for the account's credits: told once, when first held.
                    if (slot.HeldAt is null)
                    {
                        slot.HeldAt = now;
                        held.Add(new HeldForCredits(slot.RequestId, slot.TraceParent, slot.EstimatedCredits, outcome.AvailableCredits ?? 0));
                    }
                    break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new GrantPass(granted, refused, held);
    }

    /// <summary>SQLite (one instance, small lines): the same heads of line with plain queries.</summary>
    private static async Task<List<SubmissionSlot>> SqliteHeadsOfLineAsync(ReportSagaDbContext db, int perRequester, CancellationToken cancellationToken)
    {
        var lines = await db.SubmissionSlots.Where(x => x.GrantedAt == null)
            .Select(x => new { x.Priority, x.RequestedBy }).Distinct().ToListAsync(cancellationToken);
        var heads = new List<SubmissionSlot>();
        foreach (var line in lines)
            heads.AddRange(await db.SubmissionSlots
                .Where(x => x.GrantedAt == null && x.Priority == line.Priority && x.RequestedBy == line.RequestedBy)
                .OrderBy(x => x.QueuedAt).ThenBy(x => x.RequestId).Take(perRequester).AsTracking().ToListAsync(cancellationToken));
        return heads;
    }

    public async Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        var before = grantedBefore.UtcDateTime;
        // A grant sent as SubmitReport is never claimed by the saga: it is lost when its report is still queued and no
        // submit attempt has claimed it in the ledger (a claimed attempt that crashed is the broker's to redeliver).
        return await db.SubmissionSlots.AsNoTracking()
            .Where(x => x.GrantedAt != null && x.GrantedAt < before && !x.Claimed)
            .Where(x => x.Refusal != null || x.StepToken == null
                        || (db.Reports.Any(r => r.CorrelationId == x.RequestId && r.CurrentState == ReportStates.Queued)
                            && !db.SubmissionRecords.Any(l => l.RequestId == x.RequestId)))
            .OrderBy(x => x.GrantedAt).Take(limit)
            .Select(x => new SubmissionGrant(x.RequestId, x.TraceParent, x.Refusal == null ? x.StepToken : null))
            .ToListAsync(cancellationToken);
    }

    public async Task<bool> IsGrantedAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        return await db.SubmissionSlots.AnyAsync(x => x.RequestId == requestId && x.GrantedAt != null && x.Refusal == null, cancellationToken);
    }

    public async Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = factory.CreateDbContext();
        var inFlight = await db.SubmissionSlots.LongCountAsync(x => x.GrantedAt != null && x.Refusal == null, cancellationToken);
        var waiting = await db.SubmissionSlots.LongCountAsync(x => x.GrantedAt == null, cancellationToken);
        var oldest = await db.SubmissionSlots.Where(x => x.GrantedAt == null).OrderBy(x => x.QueuedAt)
            .Select(x => (DateTime?)x.QueuedAt).FirstOrDefaultAsync(cancellationToken);
        return new SubmissionGateCounts(inFlight, waiting, oldest is null ? null : new DateTimeOffset(oldest.Value, TimeSpan.Zero));
    }
}
