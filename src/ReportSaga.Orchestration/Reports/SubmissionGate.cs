using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The report saga's steps on the submission gate. Each writes only the report's own gate entry, in the message scope's
/// storage, so it commits (or rolls back) with the saga's state change; then it wakes this instance's granter.
/// </summary>
internal static class SubmissionGate
{
    public static async Task EnqueueAsync(BehaviorContext<ReportState> context, DateTimeOffset queuedAt)
    {
        await Queue(context).EnqueueAsync(context.Saga.CorrelationId, queuedAt, context.Saga.TraceParent, context.CancellationToken);
        Wake(context);
    }

    public static Task<bool> ClaimGrantAsync(BehaviorContext<ReportState> context) =>
        Queue(context).ClaimGrantAsync(context.Saga.CorrelationId, context.CancellationToken);

    public static async Task ReleaseAsync(BehaviorContext<ReportState> context)
    {
        await Queue(context).ReleaseAsync(context.Saga.CorrelationId, context.CancellationToken);
        Wake(context);
    }

    private static ISubmissionQueue Queue(ConsumeContext context) => context.GetServiceOrCreateInstance<ISubmissionQueue>();

    private static void Wake(ConsumeContext context) => context.GetServiceOrCreateInstance<SubmissionGateSignal>().Notify();
}
