namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The report's side of the submission gate, used by the saga inside its own transaction (the implementation shares
/// the message scope's storage, so an entry and the saga's state change commit together). Every call touches the
/// report's own entry only: its cost does not depend on how many reports wait.
/// </summary>
public interface ISubmissionQueue
{
    /// <summary>
    /// Puts the report in line for a slot; its place is <see cref="SubmissionEntry.QueuedAt"/>, ties broken by request
    /// id, within its priority and requester. The grant is sent under its trace parent, so it stays in the report's own
    /// trace.
    /// </summary>
    Task EnqueueAsync(SubmissionEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the gate decided for the report's entry (granted, refused by a budget, or nothing yet); a decision is
    /// marked as taken, so it is not sent again.
    /// </summary>
    Task<SlotDecision> ClaimDecisionAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets what the report really cost its requester's daily spend (its <c>used_quota</c>, or 0 when it was never
    /// submitted), in place of the estimate charged when it was granted. Nothing happens when nothing was charged.
    /// </summary>
    Task CorrectChargeAsync(Guid requestId, long credits, CancellationToken cancellationToken = default);

    /// <summary>Removes the report's entry, freeing its slot if it held one. Nothing happens when it has none.</summary>
    Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default);
}

/// <summary>Shorter forms of the gate's calls, for callers without requesters, priorities or budgets.</summary>
public static class SubmissionGateExtensions
{
    /// <summary>Puts the report in line as the only requester's, at normal priority, with no estimate.</summary>
    public static Task EnqueueAsync(this ISubmissionQueue queue, Guid requestId, DateTimeOffset queuedAt, string? traceParent, CancellationToken cancellationToken = default) =>
        queue.EnqueueAsync(new SubmissionEntry(requestId, queuedAt, traceParent), cancellationToken);

    /// <summary>True when the report's entry was granted a slot; marks the grant as taken.</summary>
    public static async Task<bool> ClaimGrantAsync(this ISubmissionQueue queue, Guid requestId, CancellationToken cancellationToken = default) =>
        (await queue.ClaimDecisionAsync(requestId, cancellationToken)).Kind == SlotDecisionKind.Granted;

    /// <summary>Grants up to <paramref name="maxInFlight"/> with the default rules (fair share, no cap, budget or guard); returns the grants.</summary>
    public static async Task<IReadOnlyList<SubmissionGrant>> GrantAsync(this ISubmissionGrants grants, int maxInFlight, CancellationToken cancellationToken = default) =>
        (await grants.GrantAsync(new GrantRules(maxInFlight), cancellationToken)).Granted;
}

/// <summary>
/// The gate's side: grants free slots exactly up to the cap across every instance, by priority, fair share between
/// requesters and age (<see cref="FairShareAllocator"/>), refusing what a daily budget cannot pay and holding what the
/// account's credits cannot cover.
/// </summary>
public interface ISubmissionGrants
{
    /// <summary>
    /// Grants as many waiting entries as there are free slots under <see cref="GrantRules.MaxInFlight"/> (granted and
    /// not yet released entries count as taken), in the order the rules give. Exact across instances: passes are
    /// serialised, releases only ever free slots. Its cost grows with the slots granted and the requesters waiting,
    /// not with the reports waiting.
    /// </summary>
    Task<GrantPass> GrantAsync(GrantRules rules, CancellationToken cancellationToken = default);

    /// <summary>
    /// Entries granted (or refused) before <paramref name="grantedBefore"/> whose report has not taken the grant (a
    /// grant message lost with a crash): a refusal or an earlier version's grant the saga has not claimed, or a grant
    /// sent as <c>SubmitReport</c> that no submit attempt has claimed (<see cref="ISubmissionLedger"/>) while its
    /// report is still queued.
    /// </summary>
    Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>True when the report's entry holds a granted slot (not a refusal).</summary>
    Task<bool> IsGrantedAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>How many entries hold a slot and how many wait, and since when the oldest waits.</summary>
    Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>A slot granted (or refused) to a report, with the report's trace parent to send the grant under.</summary>
/// <param name="SubmitStepToken">
/// Set on a grant whose report waits for it with this step token (<see cref="SubmissionEntry.SubmitStepToken"/>): the
/// gate's worker sends <c>SubmitReport</c> under it straight to the submit consumer. Null on a refusal, and on an entry
/// queued by an earlier version: the report's saga is told (<see cref="SubmissionSlotGranted"/>).
/// </param>
public sealed record SubmissionGrant(Guid RequestId, string? TraceParent, Guid? SubmitStepToken = null);

/// <summary>The gate at one moment.</summary>
public sealed record SubmissionGateCounts(long InFlight, long Waiting, DateTimeOffset? OldestWaitingSince);
