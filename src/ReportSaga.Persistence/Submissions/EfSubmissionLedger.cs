using Microsoft.EntityFrameworkCore;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.EntityFrameworkCoreIntegration.Transactions;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The durable <see cref="ISubmissionLedger"/>. Every call commits on its own DbContext, apart from the consuming
/// message's transaction and outbox, so a crash after a claim cannot roll the claim back. Claims are race-safe across
/// instances with single atomic statements: an insert guarded by the primary key, or a conditional update
/// <c>released → in progress</c>; whoever loses the race reads the winner's row.
/// </summary>
public sealed class EfSubmissionLedger : ISubmissionLedger
{
    private readonly IReportSagaDbContextFactory _factory;
    private readonly TimeProvider _time;

    internal EfSubmissionLedger(IReportSagaDbContextFactory factory, TimeProvider time)
    {
        _factory = factory;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<SubmissionClaim> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        // Bounded: each lap either wins or observes a state other than Released, which only a Release can undo.
        // The read comes first: a first claim then costs a read and an insert, and one that finds the row (a
        // redelivery, a duplicate waiting for a live attempt) a read only, with no failed insert.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            SubmissionRecord? existing;
            await using (var db = _factory.CreateDbContext())
                existing = await db.SubmissionRecords.AsNoTracking().SingleOrDefaultAsync(x => x.RequestId == requestId, cancellationToken);

            switch (existing?.State)
            {
                case null:
                    if (await TryInsertAsync(requestId, SubmissionRecordState.InProgress, null, cancellationToken))
                        return new SubmissionClaim(SubmissionClaimStatus.Claimed);
                    continue; // Another attempt inserted it first: read theirs.
                case SubmissionRecordState.Released:
                    if (await TransitionAsync(requestId, SubmissionRecordState.Released, SubmissionRecordState.InProgress, cancellationToken))
                        return new SubmissionClaim(SubmissionClaimStatus.Claimed);
                    continue; // Another attempt took it first: read what it did.
                case SubmissionRecordState.Submitted:
                    return new SubmissionClaim(SubmissionClaimStatus.AlreadySubmitted, existing.ReportId);
                case SubmissionRecordState.InProgress:
                    return new SubmissionClaim(SubmissionClaimStatus.Uncertain, UnresolvedSince: existing.UpdatedAt);
                default:
                    return new SubmissionClaim(SubmissionClaimStatus.Uncertain);
            }
        }

        // Never claim on doubt: a second call costs credits and may create a duplicate report.
        return new SubmissionClaim(SubmissionClaimStatus.Uncertain);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default) =>
        SetAsync(requestId, SubmissionRecordState.Released, null, cancellationToken);

    /// <inheritdoc />
    public Task RecordSubmittedAsync(Guid requestId, string reportId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportId);
        return SetAsync(requestId, SubmissionRecordState.Submitted, reportId, cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordUncertainAsync(Guid requestId, CancellationToken cancellationToken = default) =>
        SetAsync(requestId, SubmissionRecordState.Uncertain, null, cancellationToken);

    private async Task SetAsync(Guid requestId, SubmissionRecordState state, string? reportId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var db = _factory.CreateDbContext();
            var now = _time.GetUtcNow().UtcDateTime;
            var updated = await db.SubmissionRecords.Where(x => x.RequestId == requestId)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(x => x.State, state)
                    .SetProperty(x => x.ReportId, reportId)
                    .SetProperty(x => x.UpdatedAt, now), cancellationToken);
            if (updated > 0 || await TryInsertAsync(requestId, state, reportId, cancellationToken))
                return;
        }

        throw new InvalidOperationException($"Could not record submission state {state} for request {requestId}.");
    }

    private async Task<bool> TransitionAsync(Guid requestId, SubmissionRecordState from, SubmissionRecordState to, CancellationToken cancellationToken)
    {
        await using var db = _factory.CreateDbContext();
        var now = _time.GetUtcNow().UtcDateTime;
        var updated = await db.SubmissionRecords.Where(x => x.RequestId == requestId && x.State == from)
            .ExecuteUpdateAsync(set => set
                .SetProperty(x => x.State, to)
                .SetProperty(x => x.ReportId, (string?)null)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        return updated == 1;
    }

    private async Task<bool> TryInsertAsync(Guid requestId, SubmissionRecordState state, string? reportId, CancellationToken cancellationToken)
    {
        await using var db = _factory.CreateDbContext();
        db.SubmissionRecords.Add(new SubmissionRecord
        {
            RequestId = requestId,
            State = state,
            ReportId = reportId,
            UpdatedAt = _time.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (StorageErrors.IsUniqueViolation(exception))
        {
            return false;
        }
    }
}
