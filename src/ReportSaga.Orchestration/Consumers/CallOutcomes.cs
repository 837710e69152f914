using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>The events a consumer answers with when a Batch API call did not succeed.</summary>
internal static class CallOutcomes
{
    /// <summary>
    /// Sends an answer straight to the saga's own queue (answers are never published), with an id derived from the
    /// consumed message's (<see cref="AnswerIds"/>): one answer per command, however often the command is consumed.
    /// </summary>
    public static Task AnswerAsync<T>(this ConsumeContext context, T answer)
        where T : class, IStepMessage => AnswerIds.SendToSagaAsync(context, answer);

    /// <summary>The call's answer ends the report with <paramref name="reason"/> and the provider's errors.</summary>
    public static ReportRejected Rejected<T>(IStepMessage step, string reason, BatchApiResult<T> result)
        where T : class => new() { RequestId = step.RequestId, StepToken = step.StepToken, Reason = reason, Errors = result.Errors };

    /// <summary>Nothing was done at the provider: the saga tries the same step again later.</summary>
    public static ReportCallDeferred Deferred<T>(IStepMessage step, string call, BatchApiResult<T> result)
        where T : class => new()
    {
        RequestId = step.RequestId,
        StepToken = step.StepToken,
        Call = call,
        RetryAfter = result.RetryAfter,
        Errors = result.Errors.Count > 0 ? result.Errors : [$"{call} answered {result.Outcome}"],
    };
}
