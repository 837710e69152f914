using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>The provider accepted a retry of a report that ended in internal_error.</summary>
public sealed record ReportRetryAccepted : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }
    public string ReportId { get; init; } = "";
    public string Status { get; init; } = "";
}
