namespace ReportSaga.Orchestration.Submissions;

/// <summary>A validated report asks the submission gate for a slot; it waits in arrival order when none is free.</summary>
public sealed record RequestSubmissionSlot
{
    public Guid RequestId { get; init; }
}
