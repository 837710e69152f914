using MassTransit;
using ReportSaga.Orchestration.Reports;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// Reads the report's saga (read-only) to check a submission. The saga commits <c>Submitting</c> and the step token
/// together with its <c>SubmitReport</c>, which is delivered only after that commit, so a real command always finds them.
/// </summary>
public sealed class SagaSubmissionAuthority(ILoadSagaRepository<ReportState> sagas) : ISubmissionAuthority
{
    public async Task<bool> MaySubmitAsync(Guid requestId, Guid stepToken, CancellationToken cancellationToken = default)
    {
        var saga = await sagas.Load(requestId);
        return saga is { CurrentState: ReportStates.Submitting } && saga.StepToken == stepToken;
    }
}
