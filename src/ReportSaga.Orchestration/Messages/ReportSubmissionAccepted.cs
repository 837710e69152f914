using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>The provider accepted the submission and gave the report an id; the saga publishes <c>ReportSubmitted</c> when it takes this.</summary>
public sealed record ReportSubmissionAccepted : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }
    public string ReportId { get; init; } = "";
}
