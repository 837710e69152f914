using System.Collections.Concurrent;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// A process-local ledger for the in-memory test harness. Not for production: a crash forgets it, which is
/// exactly the window the ledger exists to close. The service uses the database-backed one.
/// </summary>
public sealed class InMemorySubmissionLedger : ISubmissionLedger
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public Task<SubmissionClaim> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var claim = new SubmissionClaim(SubmissionClaimStatus.Claimed);
        _entries.AddOrUpdate(
            requestId,
            _ => new Entry(EntryState.InProgress, null),
            (_, existing) =>
            {
                switch (existing.State)
                {
                    case EntryState.Released:
                        return existing with { State = EntryState.InProgress };
                    case EntryState.Submitted:
                        claim = new SubmissionClaim(SubmissionClaimStatus.AlreadySubmitted, existing.ReportId);
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
        _entries[requestId] = new Entry(EntryState.Released, null);
        return Task.CompletedTask;
    }

    public Task RecordSubmittedAsync(Guid requestId, string reportId, CancellationToken cancellationToken = default)
    {
        _entries[requestId] = new Entry(EntryState.Submitted, reportId);
        return Task.CompletedTask;
    }

    public Task RecordUncertainAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        _entries[requestId] = new Entry(EntryState.Uncertain, null);
        return Task.CompletedTask;
    }

    private enum EntryState { InProgress, Released, Submitted, Uncertain }

    private sealed record Entry(EntryState State, string? ReportId);
}
