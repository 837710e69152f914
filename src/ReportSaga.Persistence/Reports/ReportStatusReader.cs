using Microsoft.EntityFrameworkCore;
using ReportSaga.Contracts;
using ReportSaga.Persistence.Storage;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Persistence.Reports;

/// <summary>Reads one report's status straight from its saga row, for the operator HTTP API.</summary>
public interface IReportStatusReader
{
    /// <summary>The report's status as <c>GetReportStatus</c> answers it, or null when no report has this request id.</summary>
    Task<ReportStatus?> FindAsync(Guid requestId, CancellationToken cancellationToken);
}

/// <summary>
/// One untracked SELECT of the columns the answer needs, on a context of its own: no transaction, no lock, no inbox
/// or outbox row and no consumer slot, unlike asking the saga over the bus. It may trail a consume that has not
/// committed yet, which is all a status read needs.
/// </summary>
internal sealed class ReportStatusReader(IReportSagaDbContextFactory factory) : IReportStatusReader
{
    public async Task<ReportStatus?> FindAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        // The same fields, and the same "Initial" for a row not yet transitioned, as the saga's own answer.
        return await db.Reports.AsNoTracking()
            .Where(report => report.CorrelationId == requestId)
            .Select(report => new ReportStatus
            {
                RequestId = report.CorrelationId,
                State = report.CurrentState ?? ReportStates.Initial,
                ReportId = report.ReportId,
                ProviderStatus = report.ProviderStatus,
                EstimatedCredits = report.EstimatedCredits,
                UsedQuota = report.UsedQuota,
                DownloadUrl = report.DownloadUrl,
                Attempts = report.RetryAttempts,
                UpdatedAt = report.UpdatedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
    }
}
