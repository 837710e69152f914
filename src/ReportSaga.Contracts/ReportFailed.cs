using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>The report ended without a result. Terminal: a report ends in exactly one of this or <see cref="ReportCompleted"/>.</summary>
public sealed record ReportFailed
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id; null when the report was never submitted.</summary>
    public string? ReportId { get; init; }

    /// <summary>Why it failed: one of <see cref="ReportFailureReasons"/>.</summary>
    public string Reason { get; init; } = "";

    /// <summary>The provider's error texts, or ReportSaga's own explanation.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary><see cref="RequestReport.RequestedBy"/> of the report's request, unchanged; null when it named no one.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><see cref="RequestReport.Context"/> of the report's request, unchanged; null when it sent none.</summary>
    public JsonElement? Context { get; init; }
}
