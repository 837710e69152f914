using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Policies;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// The report saga's side of <see cref="PollingPolicy"/>: looks up recent similar reports before the first check,
/// gives each wake-up its wait, and records a completed report's duration.
/// </summary>
internal static class StatusCheckTiming
{
    /// <summary>Reads the recent similar reports and keeps the first check's wait for <see cref="FirstWait"/>.</summary>
    public static async Task PlanFirstCheckAsync(BehaviorContext<ReportState> context, PollingPolicy policy)
    {
        IReadOnlyList<TimeSpan> recent = [];
        if (policy.UsesRecentReports)
            recent = await Durations(context).SimilarAsync(context.Saga.EstimatedCredits, policy.RecentReports, context.CancellationToken);
        var wait = policy.FirstWait(recent);
        context.AddOrUpdatePayload(() => new FirstCheck(wait), _ => new FirstCheck(wait));
    }

    /// <summary>The first check's wait planned by <see cref="PlanFirstCheckAsync"/>.</summary>
    public static TimeSpan FirstWait(BehaviorContext<ReportState> context, PollingPolicy policy) =>
        context.TryGetPayload<FirstCheck>(out var planned) ? planned.Wait : policy.FirstWait([]);

    /// <summary>The wait before the next check of a report still running.</summary>
    public static TimeSpan NextWait(ReportState saga, PollingPolicy policy, DateTimeOffset now) =>
        policy.NextWait(now - (saga.SubmittedAt ?? now), saga.StepAttempts);

    /// <summary>Tells the store how long a report that just completed took.</summary>
    public static Task RecordCompletionAsync(BehaviorContext<ReportState> context) =>
        context.Saga is { SubmittedAt: { } submitted, CompletedAt: { } completed }
            ? Durations(context).RecordAsync(context.Saga.EstimatedCredits, completed - submitted, context.CancellationToken)
            : Task.CompletedTask;

    private static IRecentReportDurations Durations(ConsumeContext context) =>
        context.GetServiceOrCreateInstance<IRecentReportDurations>();

    private sealed record FirstCheck(TimeSpan Wait);
}
