namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// A report's place in line at the submission gate: when it arrived, who asked (the fair-share key), its priority, and
/// the credits the provider estimated (what it will cost the requester's daily budget and the account).
/// </summary>
/// <param name="RequestedBy">The requester; reports without <c>requestedBy</c> share the name "" (one requester).</param>
/// <param name="PriorityRank">0 low, 1 normal, 2 high (<see cref="Contracts.ReportPriorities.Rank"/>).</param>
/// <param name="SubmitStepToken">
/// The step token the report's saga waits on while queued: when the entry is granted, the gate's worker sends
/// <c>SubmitReport</c> under it itself (<see cref="SubmissionGrant.SubmitStepToken"/>). Null: the saga is told of the
/// grant and submits (an entry queued by an earlier version).
/// </param>
public sealed record SubmissionEntry(
    Guid RequestId,
    DateTimeOffset QueuedAt,
    string? TraceParent,
    string RequestedBy = "",
    int PriorityRank = 1,
    long EstimatedCredits = 0,
    Guid? SubmitStepToken = null);
