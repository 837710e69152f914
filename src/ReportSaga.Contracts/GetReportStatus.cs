namespace ReportSaga.Contracts;

/// <summary>Asks where a report stands; answered with <see cref="ReportStatus"/> or <see cref="ReportNotFound"/>.</summary>
public sealed record GetReportStatus
{
    /// <summary>The report's request id.</summary>
    public Guid RequestId { get; init; }
}
