using System.Text.Json;

namespace ReportSaga.Orchestration.Commands;

/// <summary>Internal command: validate the report body with the provider (costs no credits).</summary>
public sealed record ValidateReport : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }

    /// <summary>The Batch API request body.</summary>
    public JsonElement Report { get; init; }
}
