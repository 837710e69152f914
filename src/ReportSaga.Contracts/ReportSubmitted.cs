namespace ReportSaga.Contracts;

/// <summary>The provider accepted the report and gave it an id.</summary>
public sealed record ReportSubmitted
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";
}
