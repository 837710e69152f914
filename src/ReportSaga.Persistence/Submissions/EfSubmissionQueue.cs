using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Persistence.Submissions;

/// <summary>
/// The report's side of the gate on the message scope's <see cref="ReportSagaDbContext"/>: every change is tracked and
/// saved with the saga's own state change, in its transaction. Each call reads or writes the report's own row only.
/// </summary>
internal sealed class EfSubmissionQueue(ReportSagaDbContext db) : ISubmissionQueue
{
    public Task EnqueueAsync(Guid requestId, DateTimeOffset queuedAt, string? traceParent, CancellationToken cancellationToken = default)
    {
        db.SubmissionSlots.Add(new SubmissionSlot { RequestId = requestId, QueuedAt = queuedAt.UtcDateTime, TraceParent = traceParent });
        return Task.CompletedTask;
    }

    public async Task<bool> ClaimGrantAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var slot = await db.SubmissionSlots.FindAsync([requestId], cancellationToken);
        if (slot?.GrantedAt is null)
            return false;
        slot.Claimed = true;
        return true;
    }

    public async Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        if (await db.SubmissionSlots.FindAsync([requestId], cancellationToken) is { } slot)
            db.SubmissionSlots.Remove(slot);
    }
}
