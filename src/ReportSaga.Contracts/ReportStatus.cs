namespace ReportSaga.Contracts;

/// <summary>The answer to <see cref="GetReportStatus"/> for a known report.</summary>
public sealed record ReportStatus
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The saga's state: Validating, Queued, Submitting, Waiting, Retrying, Completed, Failed.</summary>
    public string State { get; init; } = "";

    /// <summary>The provider's report id, once submitted.</summary>
    public string? ReportId { get; init; }

    /// <summary>The provider's last known status (pending, processing, retry, completed, …).</summary>
    public string? ProviderStatus { get; init; }

    /// <summary>The credits the provider estimated at validation.</summary>
    public long? EstimatedCredits { get; init; }

    /// <summary>The credits the provider charged, once completed.</summary>
    public long? UsedQuota { get; init; }

    /// <summary>The download URL, once completed.</summary>
    public string? DownloadUrl { get; init; }

    /// <summary>How many times the retry endpoint was called for this report.</summary>
    public int Attempts { get; init; }

    /// <summary>When the report last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
