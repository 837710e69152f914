using MassTransit;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Policies;

namespace ReportSaga.Orchestration.Reports;

/// <summary>What every state does with a deferred Batch API call (<see cref="ReportCallDeferred"/>), written once.</summary>
internal static class CallDeferredBinderExtensions
{
    /// <summary>
    /// The call of the step the report waits on could not be made now (429, provider fault, network): the step ends,
    /// one more attempt is counted, and <paramref name="tryAgainAfter"/> schedules the same call again after a
    /// backoff from <paramref name="initial"/> doubling up to <paramref name="max"/>, or after the provider's
    /// <c>Retry-After</c> when that is longer.
    /// </summary>
    public static EventActivityBinder<ReportState, ReportCallDeferred> TriesAgainLater(
        this EventActivityBinder<ReportState, ReportCallDeferred> binder,
        TimeSpan initial,
        TimeSpan max,
        Func<EventActivityBinder<ReportState, ReportCallDeferred>, Func<BehaviorContext<ReportState, ReportCallDeferred>, TimeSpan>,
            EventActivityBinder<ReportState, ReportCallDeferred>> tryAgainAfter) =>
        binder.TriesAgainLater(message => message, initial, max, tryAgainAfter);

    /// <summary>The same for a deferral carried inside another message (<paramref name="deferral"/>: a validation deferred as the request was accepted).</summary>
    public static EventActivityBinder<ReportState, T> TriesAgainLater<T>(
        this EventActivityBinder<ReportState, T> binder,
        Func<T, ReportCallDeferred> deferral,
        TimeSpan initial,
        TimeSpan max,
        Func<EventActivityBinder<ReportState, T>, Func<BehaviorContext<ReportState, T>, TimeSpan>, EventActivityBinder<ReportState, T>> tryAgainAfter)
        where T : class =>
        tryAgainAfter(
            binder
                .Then(ReportStateMachine.EndStep)
                .Then(context => context.Saga.StepAttempts++),
            context => Delay(context.Saga, deferral(context.Message), initial, max));

    private static TimeSpan Delay(ReportState saga, ReportCallDeferred message, TimeSpan initial, TimeSpan max)
    {
        var backoff = Backoff.Delay(saga.StepAttempts - 1, initial, max);
        return message.RetryAfter is { } asked && asked > backoff ? asked : backoff;
    }
}
