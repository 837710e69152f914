using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Messages;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>The events a consumer answers with when a Batch API call did not succeed.</summary>
internal static class CallOutcomes
{
    /// <summary>The call's answer ends the report with <paramref name="reason"/> and the provider's errors.</summary>
    public static ReportRejected Rejected<T>(Guid requestId, string reason, BatchApiResult<T> result)
        where T : class => new() { RequestId = requestId, Reason = reason, Errors = result.Errors };

    /// <summary>Nothing was done at the provider: the saga tries the same step again later.</summary>
    public static ReportCallDeferred Deferred<T>(Guid requestId, string call, BatchApiResult<T> result)
        where T : class => new()
    {
        RequestId = requestId,
        Call = call,
        RetryAfter = result.RetryAfter,
        Errors = result.Errors.Count > 0 ? result.Errors : [$"{call} answered {result.Outcome}"],
    };
}
