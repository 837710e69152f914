using System.Text.Json;
using MassTransit;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Reads the report's saga (read-only) to check a submission, and the gate's entry when the report is still queued.
/// The saga commits its state and step token before any <c>SubmitReport</c> under that token can exist (the queued
/// step's token with its gate entry, which the gate's worker grants and submits after that commit; the
/// <c>Submitting</c> step's with the command, delivered only after the commit), so a real command always finds them.
/// </summary>
public sealed class SagaSubmissionAuthority(ILoadSagaRepository<ReportState> sagas, ISubmissionGrants grants) : ISubmissionAuthority
{
    public async Task<JsonElement?> ApprovedReportAsync(Guid requestId, Guid stepToken, CancellationToken cancellationToken = default)
    {
        var saga = await sagas.Load(requestId);
        if (saga is null || saga.StepToken != stepToken)
            return null;
        var approved = saga.CurrentState switch
        {
            ReportStates.Submitting => true,
            ReportStates.Queued => await grants.IsGrantedAsync(requestId, cancellationToken),
            _ => false,
        };
        return approved ? ReportStateMachine.Body(saga) : null;
    }
}
