using MassTransit;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// Whether a report still waits on a step. A command scheduled for later (a status check) can come due after its
/// report has moved on: it ended, or took a newer step. Its schedule is cancelled then, but not every scheduler can
/// cancel (MassTransit's delayed-transport scheduler cannot), and a check may already be on its way; such a command is
/// dropped instead of calling the provider.
/// </summary>
public interface IReportStepCheck
{
    /// <summary>True when the report is in <paramref name="state"/> and its current step is <paramref name="stepToken"/>.</summary>
    Task<bool> IsCurrentAsync(Guid requestId, string state, Guid stepToken, CancellationToken cancellationToken = default);
}

/// <summary>Reads the report's saga, read-only and without a lock.</summary>
public sealed class SagaReportStepCheck(ILoadSagaRepository<ReportState> sagas) : IReportStepCheck
{
    public async Task<bool> IsCurrentAsync(Guid requestId, string state, Guid stepToken, CancellationToken cancellationToken = default)
    {
        var saga = await sagas.Load(requestId);
        return saga is not null && saga.CurrentState == state && saga.StepToken == stepToken;
    }
}
