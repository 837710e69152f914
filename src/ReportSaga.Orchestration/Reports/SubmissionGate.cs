using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The report saga's steps on the submission gate. Each writes only the report's own gate entry (and its own charge),
/// in the message scope's storage, so it commits (or rolls back) with the saga's state change; then it wakes this
/// instance's granter.
/// </summary>
internal static class SubmissionGate
{
    public static async Task EnqueueAsync(BehaviorContext<ReportState> context, DateTimeOffset queuedAt)
    {
        var saga = context.Saga;
        await Queue(context).EnqueueAsync(
            new SubmissionEntry(saga.CorrelationId, queuedAt, saga.TraceParent, saga.RequestedBy ?? "",
                Math.Max(0, ReportPriorities.Rank(saga.Priority)), saga.EstimatedCredits ?? 0, saga.StepToken),
            context.CancellationToken);
        Wake(context);
    }

    /// <summary>Reads (and marks as taken) the gate's decision, keeping it on the context for the branches that follow.</summary>
    public static async Task ClaimDecisionAsync(BehaviorContext<ReportState> context)
    {
        var decision = await Queue(context).ClaimDecisionAsync(context.Saga.CorrelationId, context.CancellationToken);
        context.AddOrUpdatePayload(() => decision, _ => decision);
    }

    /// <summary>The decision <see cref="ClaimDecisionAsync"/> read for this message.</summary>
    public static SlotDecision Decision(BehaviorContext<ReportState> context) =>
        context.TryGetPayload<SlotDecision>(out var decision) ? decision : SlotDecision.None;

    /// <summary>
    /// Frees the report's slot. <paramref name="charged"/>, when known, replaces the estimate charged to its requester's
    /// daily spend at the grant (the provider's used_quota, or 0 for a report that certainly was not submitted).
    /// </summary>
    public static async Task ReleaseAsync(BehaviorContext<ReportState> context, long? charged)
    {
        var queue = Queue(context);
        if (charged is { } credits)
            await queue.CorrectChargeAsync(context.Saga.CorrelationId, credits, context.CancellationToken);
        await queue.ReleaseAsync(context.Saga.CorrelationId, context.CancellationToken);
        Wake(context);
    }

    private static ISubmissionQueue Queue(ConsumeContext context) => context.GetServiceOrCreateInstance<ISubmissionQueue>();

    private static void Wake(ConsumeContext context) => context.GetServiceOrCreateInstance<SubmissionGateSignal>().Notify();
}
