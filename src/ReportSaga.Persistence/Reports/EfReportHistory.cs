using ReportSaga.Orchestration.Reports.History;

namespace ReportSaga.Persistence.Reports;

/// <summary>
/// The saga's history writer on the message scope's <see cref="ReportSagaDbContext"/>: the row is tracked and saved
/// with the saga's own state change, in its transaction (the saga repository saves after the event ran).
/// </summary>
internal sealed class EfReportHistory(ReportSagaDbContext db) : IReportHistory
{
    public void Record(ReportHistoryEntry entry) =>
        db.ReportHistory.Add(new ReportHistoryRecord
        {
            RequestId = entry.RequestId,
            At = entry.At,
            Event = entry.Event,
            FromState = entry.FromState,
            ToState = entry.ToState,
            ProviderStatus = entry.ProviderStatus,
            Call = entry.Call,
            Outcome = entry.Outcome,
        });
}
