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
}
