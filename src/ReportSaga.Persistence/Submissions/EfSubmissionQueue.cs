using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The report's side of the gate on the message scope's <see cref="ReportSagaDbContext"/>: every change is tracked and
/// saved with the saga's own state change, in its transaction. Each call reads or writes the report's own rows only
/// (its gate entry, its day's charge).
/// </summary>
internal sealed class EfSubmissionQueue(ReportSagaDbContext db) : ISubmissionQueue
{
    public Task EnqueueAsync(SubmissionEntry entry, CancellationToken cancellationToken = default)
    {
        db.SubmissionSlots.Add(new SubmissionSlot
        {
            RequestId = entry.RequestId,
            QueuedAt = entry.QueuedAt.UtcDateTime,
            TraceParent = entry.TraceParent,
            RequestedBy = entry.RequestedBy,
            Priority = (short)entry.PriorityRank,
            EstimatedCredits = entry.EstimatedCredits,
            StepToken = entry.SubmitStepToken,
        });
        return Task.CompletedTask;
    }

    public async Task<SlotDecision> ClaimDecisionAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var slot = await db.SubmissionSlots.FindAsync([requestId], cancellationToken);
        if (slot?.GrantedAt is null)
            return SlotDecision.None;
        slot.Claimed = true;
        return slot.Refusal is null ? SlotDecision.Granted : new SlotDecision(SlotDecisionKind.Refused, slot.Refusal);
    }

    public async Task CorrectChargeAsync(Guid requestId, long credits, CancellationToken cancellationToken = default)
    {
        if (await db.CreditCharges.FindAsync([requestId], cancellationToken) is { } charge)
            charge.Credits = credits;
    }

    public async Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        if (await db.SubmissionSlots.FindAsync([requestId], cancellationToken) is { } slot)
            db.SubmissionSlots.Remove(slot);
    }
}
