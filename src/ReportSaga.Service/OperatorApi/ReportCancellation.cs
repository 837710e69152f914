using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Reports;
using ReportSaga.Persistence.Reports;

namespace ReportSaga.Service.OperatorApi;

/// <summary>
/// An operator's cancel, shared by the HTTP API and the CLI: a report that exists and has not ended gets a
/// <c>CancelReport</c> published to its saga, which decides in its own transaction (a report that ends meanwhile ignores it),
/// so the report ends the way every report ends: one <c>ReportFailed</c> reason <c>cancelled</c>.
/// </summary>
public static class ReportCancellation
{
    public static async Task<CancelOutcome> RequestAsync(
        Guid requestId, IReportStatusReader reader, IPublishEndpoint bus, CancellationToken cancellationToken)
    {
        var status = await reader.FindAsync(requestId, cancellationToken);
        if (status is null)
            return new CancelOutcome(CancelResult.NotFound, null);
        if (ReportStates.Finished.Contains(status.State))
            return new CancelOutcome(CancelResult.AlreadyEnded, status.State);

        await bus.Publish(new CancelReport { RequestId = requestId }, cancellationToken);
        return new CancelOutcome(CancelResult.Sent, status.State);
    }
}

public enum CancelResult
{
    Sent,
    NotFound,
    AlreadyEnded,
}

/// <summary>What a cancel did, and the report's state when it was asked (null when there is no such report).</summary>
public sealed record CancelOutcome(CancelResult Result, string? State);
