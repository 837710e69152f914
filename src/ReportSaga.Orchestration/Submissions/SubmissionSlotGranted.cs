namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Internal: the <see cref="SubmissionGranter"/> gave the report a submission slot, sent to the saga's own queue. The
/// saga takes it only if its queue entry really was granted (<see cref="ISubmissionQueue.ClaimGrantAsync"/>), so a
/// forged or stale grant changes nothing.
/// </summary>
public sealed record SubmissionSlotGranted
{
    public Guid RequestId { get; init; }
}
