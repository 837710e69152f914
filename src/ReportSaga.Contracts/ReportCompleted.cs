using System.Text.Json;

namespace ReportSaga.Contracts;

/// <summary>The report is ready. Terminal: a report ends in exactly one of this or <see cref="ReportFailed"/>.</summary>
public sealed record ReportCompleted
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";

    /// <summary>Where to download the report; the query string is a signature that grants access.</summary>
    public string? DownloadUrl { get; init; }

    /// <summary>How many data points the report holds.</summary>
    public long? DataPointsCount { get; init; }

    /// <summary>The credits the provider charged.</summary>
    public long? UsedQuota { get; init; }

    /// <summary>When ReportSaga saw the report completed.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>When the download URL stops working: <see cref="CompletedAt"/> plus 30 days.</summary>
    public DateTimeOffset DownloadUrlExpiresAt { get; init; }

    /// <summary><see cref="RequestReport.RequestedBy"/> of the report's request, unchanged; null when it named no one.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><see cref="RequestReport.Context"/> of the report's request, unchanged; null when it sent none.</summary>
    public JsonElement? Context { get; init; }
}
