using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>The provider accepted a retry of a report that ended in internal_error.</summary>
public sealed record ReportRetryAccepted : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }
    public string ReportId { get; init; } = "";
    /// <summary>The provider's status as the client normalised it (<see cref="BatchApi.ProviderStatuses"/>).</summary>
    public string Status { get; init; } = "";
}
