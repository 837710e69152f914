namespace ReportSaga.Persistence.Reports;

/// <summary>
/// A row of <c>report_history</c>: one entry of a report's history (<see cref="Orchestration.Reports.History.ReportHistoryEntry"/>),
/// numbered in the order written. Deleted with its report by the retention pass.
/// </summary>
public sealed class ReportHistoryRecord
{
    public long Id { get; set; }
    public Guid RequestId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Event { get; set; } = "";
    public string? FromState { get; set; }
    public string ToState { get; set; } = "";
    public string? ProviderStatus { get; set; }
    public string? Call { get; set; }
    public string Outcome { get; set; } = "";
}
