using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>The provider found the report valid.</summary>
public sealed record ReportValidated
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The credits the provider expects the report to cost.</summary>
    public long EstimatedCredits { get; init; }

    /// <summary>The provider's warnings, each kept as the JSON value it sent.</summary>
    public IReadOnlyList<JsonElement> Warnings { get; init; } = [];

    /// <summary><see cref="RequestReport.RequestedBy"/> of the report's request, unchanged; null when it named no one.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><see cref="RequestReport.Context"/> of the report's request, unchanged; null when it sent none.</summary>
    public JsonElement? Context { get; init; }
}
