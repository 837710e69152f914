using System.Text.Json;

namespace ReportSaga.BatchApi;

/// <summary>request-validate said the report is valid.</summary>
public sealed record ValidationResult(long EstimatedCredits, IReadOnlyList<JsonElement> Warnings);

/// <summary>request-report accepted the report. <see cref="Status"/> is normalised (see <see cref="ProviderStatuses"/>).</summary>
public sealed record SubmissionResult(string ReportId, string Status);

/// <summary>request-status answered. <see cref="Status"/> is normalised (see <see cref="ProviderStatuses"/>).</summary>
public sealed record ReportStatusResult(
    string Status,
    string? DownloadUrl = null,
    long? DataPointsCount = null,
    long? UsedQuota = null,
    string? Error = null);

/// <summary>retry-report accepted the retry. <see cref="Status"/> is normalised (see <see cref="ProviderStatuses"/>).</summary>
public sealed record RetryResult(string ReportId, string Status);

/// <summary>credits answered.</summary>
public sealed record CreditsResult(long RemainingCredits);
