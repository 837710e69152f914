using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>The provider accepted the report and gave it an id.</summary>
public sealed record ReportSubmitted
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";

    /// <summary><see cref="RequestReport.RequestedBy"/> of the report's request, unchanged; null when it named no one.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><see cref="RequestReport.Context"/> of the report's request, unchanged; null when it sent none.</summary>
    public JsonElement? Context { get; init; }
}
