namespace ReportSaga.Orchestration.Reports.History;

/// <summary>
/// Where the saga writes a report's history. Called inside the saga's own message scope: the durable implementation
/// adds the row to the scope's storage, so it commits (or rolls back) with the state change it describes.
/// </summary>
public interface IReportHistory
{
    void Record(ReportHistoryEntry entry);
}
