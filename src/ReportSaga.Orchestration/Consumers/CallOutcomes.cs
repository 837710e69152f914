using ReportSaga.BatchApi;
using ReportSaga.Orchestration.Messages;

namespace ReportSaga.Orchestration.Consumers;

internal static class CallOutcomes
{
    public static ReportCallDeferred Deferred<T>(Guid requestId, string call, BatchApiResult<T> result)
        where T : class => new()
    {
        RequestId = requestId,
        Call = call,
        RetryAfter = result.RetryAfter,
        Errors = result.Errors.Count > 0 ? result.Errors : [$"{call} answered {result.Outcome}"],
    };
}
