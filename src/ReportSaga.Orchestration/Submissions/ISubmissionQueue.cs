namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The report's side of the submission gate, used by the saga inside its own transaction (the implementation shares
/// the message scope's storage, so an entry and the saga's state change commit together). Every call touches the
/// report's own entry only: its cost does not depend on how many reports wait.
/// </summary>
public interface ISubmissionQueue
{
    /// <summary>
    /// Puts the report in line for a slot; its place is <paramref name="queuedAt"/>, ties broken by request id. The
    /// grant is sent under <paramref name="traceParent"/>, so it stays in the report's own trace.
    /// </summary>
    Task EnqueueAsync(Guid requestId, DateTimeOffset queuedAt, string? traceParent, CancellationToken cancellationToken = default);

    /// <summary>True when the report's entry was granted a slot; marks the grant as taken, so it is not sent again.</summary>
    Task<bool> ClaimGrantAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>Removes the report's entry, freeing its slot if it held one. Nothing happens when it has none.</summary>
    Task ReleaseAsync(Guid requestId, CancellationToken cancellationToken = default);
}

/// <summary>The gate's side: grants free slots, oldest entry first, exactly up to the cap across every instance.</summary>
public interface ISubmissionGrants
{
    /// <summary>
    /// Grants as many of the oldest waiting entries as there are free slots under <paramref name="maxInFlight"/>
    /// (granted and not yet released entries count as taken) and returns their request ids, oldest first. Exact across
    /// instances: grants are serialised, releases only ever free slots.
    /// </summary>
    Task<IReadOnlyList<SubmissionGrant>> GrantAsync(int maxInFlight, CancellationToken cancellationToken = default);

    /// <summary>Entries granted before <paramref name="grantedBefore"/> whose report has not taken the grant (a grant message lost with a crash).</summary>
    Task<IReadOnlyList<SubmissionGrant>> UnclaimedGrantsAsync(DateTimeOffset grantedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many entries hold a slot and how many wait, and since when the oldest waits.</summary>
    Task<SubmissionGateCounts> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>A slot granted to a report, with the report's trace parent to send the grant under.</summary>
public sealed record SubmissionGrant(Guid RequestId, string? TraceParent);

/// <summary>The gate at one moment.</summary>
public sealed record SubmissionGateCounts(long InFlight, long Waiting, DateTimeOffset? OldestWaitingSince);
