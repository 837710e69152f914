using System.Text.Json;
using ReportSaga.Orchestration.Commands;

namespace ReportSaga.Orchestration.Messages;

/// <summary>The provider found the report valid and estimated its cost; the saga publishes <c>ReportValidated</c> when it takes this.</summary>
public sealed record ReportEstimated : IStepMessage
{
    public Guid RequestId { get; init; }
    public Guid StepToken { get; init; }
    public long EstimatedCredits { get; init; }
    public IReadOnlyList<JsonElement> Warnings { get; init; } = [];
}
