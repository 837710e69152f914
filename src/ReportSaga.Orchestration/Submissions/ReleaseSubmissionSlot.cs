namespace ReportSaga.Orchestration.Submissions;

/// <summary>The report finished (or gave up its place in the queue): the gate frees its slot for the next in line.</summary>
public sealed record ReleaseSubmissionSlot
{
    public Guid RequestId { get; init; }
}
