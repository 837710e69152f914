using System.Collections.Concurrent;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// A process-local ledger for the in-memory test harness. Not for production: a crash forgets it, which is
/// exactly the window the ledger exists to close. The service uses the database-backed one.
/// </summary>
public sealed class InMemorySubmissionLedger(TimeProvider? time = null) : ISubmissionLedger
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<SubmissionClaim> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var claim = new SubmissionClaim(SubmissionClaimStatus.Claimed);
        var now = _time.GetUtcNow().UtcDateTime;
        _entries.AddOrUpdate(
            requestId,
            _ => new Entry(EntryState.InProgress, null, now),
            (_, existing) =>
            {
                switch (existing.State)
                {
                    case EntryState.Released:
                        return existing with { State = EntryState.InProgress, UpdatedAt = now };
                    case EntryState.Submitted:
                        claim = new SubmissionClaim(SubmissionClaimStatus.AlreadySubmitted, existing.ReportId);
                        return existing;
                    case EntryState.InProgress:
                        claim = new SubmissionClaim(SubmissionClaimStatus.Uncertain, UnresolvedSince: existing.UpdatedAt);
                        return existing;
                    default:
                        claim = new SubmissionClaim(SubmissionClaimStatus.Uncertain);
                        return existing;
                }
            });
        return Task.FromResult(claim);
    }

    public Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        _entries[requestId] = new Entry(EntryState.Released, null, _time.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    public Task RecordSubmittedAsync(Guid requestId, string reportId, CancellationToken cancellationToken = default)
    {
        _entries[requestId] = new Entry(EntryState.Submitted, reportId, _time.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    public Task RecordUncertainAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        _entries[requestId] = new Entry(EntryState.Uncertain, null, _time.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    private enum EntryState { InProgress, Released, Submitted, Uncertain }

    private sealed record Entry(EntryState State, string? ReportId, DateTime UpdatedAt);
}
