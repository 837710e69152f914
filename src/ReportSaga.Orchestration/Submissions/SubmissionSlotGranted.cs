namespace ReportSaga.Orchestration.Submissions;

/// <summary>The gate gave the report a slot: it may submit now.</summary>
public sealed record SubmissionSlotGranted
{
    public Guid RequestId { get; init; }
}
