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
}
