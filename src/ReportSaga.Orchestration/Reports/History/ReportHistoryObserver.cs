using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Submissions;

namespace ReportSaga.Orchestration.Reports.History;

/// <summary>
/// Writes a report's history from the state machine's own event hooks, so the machine's activity chains stay as they
/// are: before an event runs it notes what the report looks like, after it ran it records one entry if anything
/// changed (a transition, a provider status, a call answered, a step taken). Late, repeated or forged messages change
/// nothing and leave no entry. A scheduled wake-up that only sends the next call leaves none either: the call shows when
/// its answer is taken. The entry goes through <see cref="IReportHistory"/> of the message scope, before the saga's row
/// is saved, so both commit in the same transaction.
/// </summary>
internal sealed class ReportHistoryObserver(TimeProvider time) : IEventObserver<ReportState>
{
    public Task PreExecute(BehaviorContext<ReportState> context)
    {
        Remember(context);
        return Task.CompletedTask;
    }

    public Task PreExecute<T>(BehaviorContext<ReportState, T> context)
        where T : class
    {
        Remember(context);
        return Task.CompletedTask;
    }

    public Task PostExecute(BehaviorContext<ReportState> context)
    {
        Record(context, null);
        return Task.CompletedTask;
    }

    public Task PostExecute<T>(BehaviorContext<ReportState, T> context)
        where T : class
    {
        Record(context, context.Message);
        return Task.CompletedTask;
    }

    public Task ExecuteFault(BehaviorContext<ReportState> context, Exception exception) => Task.CompletedTask;

    public Task ExecuteFault<T>(BehaviorContext<ReportState, T> context, Exception exception)
        where T : class => Task.CompletedTask;

    // Replaced on every event: a retried message starts from what it loads again.
    private static void Remember(BehaviorContext<ReportState> context)
    {
        var before = Before.Of(context.Saga);
        context.AddOrUpdatePayload(() => before, _ => before);
    }

    private void Record(BehaviorContext<ReportState> context, object? message)
    {
        if (!context.TryGetPayload(out Before? before))
            return;
        var saga = context.Saga;
        var after = Before.Of(saga);
        if (after == before || (message is ReportWakeUp && after.State == before.State))
            return;

        var entry = new ReportHistoryEntry
        {
            RequestId = saga.CorrelationId,
            At = time.GetUtcNow(),
            Event = context.Event.Name,
            FromState = before.State,
            ToState = after.State,
            ProviderStatus = saga.ProviderStatus,
            Call = message switch
            {
                Commands.IStepMessage => CallOf(before.State),
                // Validated as it was accepted.
                ReportRequestAccepted accepted when accepted.Validation() is not null => "validate",
                _ => null,
            },
            Outcome = Cut(Describe(message, saga, after.State)),
        };
        context.GetServiceOrCreateInstance<IReportHistory>().Record(entry);
    }

    private static string? CallOf(string state) => state switch
    {
        ReportStates.Validating => "validate",
        ReportStates.Queued or ReportStates.Submitting => "submit",
        ReportStates.Waiting => "status-check",
        ReportStates.Retrying => "retry",
        _ => null,
    };

    private static string Describe(object? message, ReportState saga, string state)
    {
        var what = message switch
        {
            ReportRequestAccepted { Problem: { } problem } => $"request refused: {problem}",
            ReportRequestAccepted accepted => (accepted.RequestedBy is null ? "request accepted" : $"request accepted from {accepted.RequestedBy}")
                + (accepted.Validation() is { } validation ? "; " + Describe(validation) : ""),
            _ => Describe(message),
        };
        return state == ReportStates.Failed && saga.FailureReason is { } reason && !what.Contains(reason, StringComparison.Ordinal)
            ? $"{what}; failed: {reason}"
            : what;
    }

    private static string Describe(object? message) =>
        message switch
        {
            ReportEstimated estimated => $"estimated {estimated.EstimatedCredits} credits",
            SubmissionSlotGranted => "submission slot granted; submit sent",
            ReportSubmissionAccepted submitted => $"submitted as report {submitted.ReportId}",
            ReportStatusChecked { Error: { } error } checkedStatus => $"status {checkedStatus.Status}: {error}",
            ReportStatusChecked checkedStatus => $"status {checkedStatus.Status}",
            ReportRetryAccepted retried => $"retry accepted (status {retried.Status})",
            ReportRejected rejected => $"rejected ({rejected.Reason})" + Errors(rejected.Errors),
            ReportCallDeferred deferred => $"{deferred.Call} deferred" +
                (deferred.RetryAfter is { } after ? $", provider asked to wait {after.TotalSeconds:0.#} s" : "") + Errors(deferred.Errors),
            CancelReport => "cancel requested",
            ReportDeadlineReached => "deadline reached",
            ReportWakeUp => "woke up",
            _ => "changed",
        };

    private static string Errors(IReadOnlyList<string> errors) => errors.Count == 0 ? "" : ": " + string.Join("; ", errors);

    private static string Cut(string text) =>
        text.Length <= ReportHistoryEntry.OutcomeMaxLength ? text : text[..(ReportHistoryEntry.OutcomeMaxLength - 1)] + "…";

    /// <summary>What of a report an event can change that the history tells.</summary>
    private sealed record Before(string State, string? ProviderStatus, Guid? StepToken, string? ReportId, string? FailureReason,
        int StepAttempts, int RetryAttempts, long? EstimatedCredits)
    {
        public static Before Of(ReportState saga) => new(saga.CurrentState ?? ReportStates.Initial, saga.ProviderStatus, saga.StepToken,
            saga.ReportId, saga.FailureReason, saga.StepAttempts, saga.RetryAttempts, saga.EstimatedCredits);
    }
}
