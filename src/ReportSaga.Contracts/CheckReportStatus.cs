namespace ReportSaga.Contracts;

/// <summary>Internal command: ask the provider for a submitted report's status.</summary>
public sealed record CheckReportStatus
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }

    /// <summary>The provider's report id.</summary>
    public string ReportId { get; init; } = "";
}
