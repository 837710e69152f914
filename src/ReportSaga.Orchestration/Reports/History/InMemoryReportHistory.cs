namespace ReportSaga.Orchestration.Reports.History;

/// <summary>
/// Report history in process memory, for MassTransit's test harness with in-memory saga repositories (it has no
/// transaction to share). The service keeps history in its database.
/// </summary>
public sealed class InMemoryReportHistory : IReportHistory
{
    private readonly Lock _lock = new();
    private readonly List<ReportHistoryEntry> _entries = [];

    public void Record(ReportHistoryEntry entry)
    {
        lock (_lock)
            _entries.Add(entry);
    }

    /// <summary>The report's entries in the order they were written.</summary>
    public IReadOnlyList<ReportHistoryEntry> Of(Guid requestId)
    {
        lock (_lock)
            return _entries.Where(x => x.RequestId == requestId).ToList();
    }
}
