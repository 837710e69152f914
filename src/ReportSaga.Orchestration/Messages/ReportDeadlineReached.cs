namespace ReportSaga.Orchestration.Messages;

/// <summary>Scheduled at the start: the report has run out of time (<c>Reports__Deadline</c>).</summary>
public sealed record ReportDeadlineReached
{
    public Guid RequestId { get; init; }
}
