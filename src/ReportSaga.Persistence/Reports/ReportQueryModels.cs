namespace ReportSaga.Persistence.Reports;

/// <summary>Filters of the operator report list; null means any. All exact matches but the creation window.</summary>
public sealed record ReportFilter
{
    public string? State { get; init; }
    public string? RequestedBy { get; init; }
    public string? FailureReason { get; init; }

    /// <summary>Created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>A request id, or a provider report id.</summary>
    public string? Search { get; init; }
}

/// <summary>Where a page of the list ends: the last report's creation time and id (newest first, then by id).</summary>
public sealed record ReportCursor(DateTimeOffset CreatedAt, Guid RequestId);

/// <summary>One report in the operator list.</summary>
public sealed record ReportSummary
{
    public Guid RequestId { get; init; }
    public string State { get; init; } = "";
    public string? RequestedBy { get; init; }
    public string? ReportId { get; init; }
    public string? ProviderStatus { get; init; }
    public string? FailureReason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of the list and the cursor of the next one (null on the last page).</summary>
public sealed record ReportPage(IReadOnlyList<ReportSummary> Reports, ReportCursor? Next);

/// <summary>One report with everything the operator console shows of it, its history included (oldest first).</summary>
public sealed record ReportDetails
{
    public Guid RequestId { get; init; }
    public string State { get; init; } = "";
    public string? RequestedBy { get; init; }
    public string? ReportId { get; init; }
    public string? ProviderStatus { get; init; }
    public long? MaxCredits { get; init; }
    public long? EstimatedCredits { get; init; }
    public long? UsedQuota { get; init; }
    public long? DataPointsCount { get; init; }

    /// <summary>The download URL with its signature; the HTTP API takes the signature off.</summary>
    public string? DownloadUrl { get; init; }

    public int RetryAttempts { get; init; }
    public int PollCount { get; init; }
    public string? FailureReason { get; init; }
    public IReadOnlyList<string> FailureErrors { get; init; } = [];

    /// <summary>The report's trace (W3C trace id), when the request came with or started one.</summary>
    public string? TraceId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public IReadOnlyList<ReportHistoryItem> History { get; init; } = [];
}

/// <summary>One entry of a report's history.</summary>
public sealed record ReportHistoryItem(DateTimeOffset At, string Event, string? FromState, string ToState, string? ProviderStatus, string? Call, string Outcome);
