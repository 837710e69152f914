using System.Text.Json;

namespace ReportSaga.Orchestration.Commands;

/// <summary>
/// Internal command: submit the report to the provider (the call that costs credits). The consumer submits only when
/// the report's saga is in <c>Submitting</c> with this step token and holds a submission slot.
/// </summary>
public sealed record SubmitReport : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>The Batch API request body.</summary>
    public JsonElement Report { get; init; }
}
