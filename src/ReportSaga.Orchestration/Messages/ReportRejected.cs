using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>A Batch API call answered in a way that ends the report (invalid, unauthorized, bad request, outcome unknown).</summary>
public sealed record ReportRejected : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>One of <c>ReportFailureReasons</c>.</summary>
    public string Reason { get; init; } = "";

    public IReadOnlyList<string> Errors { get; init; } = [];
}
