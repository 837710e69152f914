using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>The provider's status of a submitted report changed.</summary>
public sealed record ReportStatusChanged
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";

    /// <summary>The provider's new status: pending, processing, retry, completed, bad_request, internal_error.</summary>
    public string Status { get; init; } = "";

    /// <summary><see cref="RequestReport.RequestedBy"/> of the report's request, unchanged; null when it named no one.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><see cref="RequestReport.Context"/> of the report's request, unchanged; null when it sent none.</summary>
    public JsonElement? Context { get; init; }
}
