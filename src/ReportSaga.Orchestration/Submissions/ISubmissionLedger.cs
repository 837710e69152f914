namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Remembers, outside any message transaction, that a report is being submitted. request-report is not
/// idempotent and costs credits, and no outbox can close the window between the HTTP call and the commit
/// of its result: so the claim is committed before the call, and a redelivered <c>SubmitReport</c> that finds
/// an unresolved claim reports <c>submission_uncertain</c> instead of submitting a second time.
/// Each method commits on its own, independent of the consuming message's transaction.
/// </summary>
public interface ISubmissionLedger
{
    /// <summary>Claims the right to call request-report for this request.</summary>
    Task<SubmissionClaim> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>The call certainly did not create a report (429, refused connection, 400): a later attempt may submit.</summary>
    Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>The provider accepted the report with this id.</summary>
    Task RecordSubmittedAsync(Guid requestId, string reportId, CancellationToken cancellationToken = default);

    /// <summary>The outcome is unknown (timeout, connection lost after sending); the claim stays unresolved for good.</summary>
    Task RecordUncertainAsync(Guid requestId, CancellationToken cancellationToken = default);
}

/// <summary>The answer to <see cref="ISubmissionLedger.ClaimAsync"/>.</summary>
/// <param name="Status">Whether the caller may submit.</param>
/// <param name="ReportId">The provider's report id when <see cref="SubmissionClaimStatus.AlreadySubmitted"/>.</param>
/// <param name="UnresolvedSince">
/// When <see cref="SubmissionClaimStatus.Uncertain"/> because an earlier attempt claimed it and has recorded no outcome
/// (rather than one whose outcome is known to be unknown): when that claim was taken, UTC. That attempt may have
/// crashed, or may still be in its call (a duplicate delivery of the same command).
/// </param>
public sealed record SubmissionClaim(SubmissionClaimStatus Status, string? ReportId = null, DateTime? UnresolvedSince = null);

/// <summary>What an earlier attempt left behind.</summary>
public enum SubmissionClaimStatus
{
    /// <summary>No earlier attempt, or only ones that certainly created nothing: call request-report now.</summary>
    Claimed,

    /// <summary>An earlier attempt was accepted: do not call again; answer with its report id.</summary>
    AlreadySubmitted,

    /// <summary>An earlier attempt started and never resolved (a crash mid-call) or its outcome is unknown: do not call again.</summary>
    Uncertain,
}
