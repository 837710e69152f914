namespace ReportSaga.Orchestration.Messages;

/// <summary>
/// The saga's scheduled wake-up: what it means depends on the state it finds the report in (poll the status,
/// resubmit after a rate limit, call the retry endpoint, validate again).
/// </summary>
public sealed record ReportWakeUp
{
    public Guid RequestId { get; init; }
}
