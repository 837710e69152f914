using MassTransit;
using Microsoft.Extensions.Options;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// The entry for <see cref="RequestReport"/>, from MassTransit publishers and plain-JSON publishers alike. It checks
/// the request's shape, validates a well-formed one with the provider (request-validate, free of charge; this
/// endpoint holds no transaction), and hands both to the report's saga, which so starts with the estimate in hand. A
/// request that cannot be run still reaches the saga, which ends it with <c>invalid</c>, so the requester hears about
/// it and the request id stays taken.
/// </summary>
public sealed class AcceptReportRequestConsumer(IOptions<ReportsOptions> reports, TimeProvider time, IBatchApiClient client) : IConsumer<RequestReport>
{
    public async Task Consume(ConsumeContext<RequestReport> context)
    {
        var message = context.Message;
        if (message.RequestId == Guid.Empty)
        {
            // Without a request id there is no saga to tell and no one to answer: the error queue keeps it, with this reason.
            throw new InvalidReportRequestException("RequestReport.requestId is required and must be a non-empty GUID.");
        }

        // Refused at the endpoint (RequestReportScreen): only the id, and a valid requestedBy, came through.
        var problem = context.TryGetPayload<RequestReportRefusal>(out var refusal) ? refusal.Problem : FindProblem(message);
        DateTimeOffset? deadlineAt = null;
        if (problem is null && message.Deadline is { } deadline)
            problem = DeadlineProblem(deadline, out deadlineAt);
        // A well-formed request is validated now (FindProblem requires its report object).
        var validation = problem is null && message.Report is { } body
            ? await ValidationCall.RunAsync(client, new ValidateReport { RequestId = message.RequestId, Report = body }, context.CancellationToken)
            : null;
        // Sent to the saga's own queue: no other broker client can start a report but through RequestReport.
        await AnswerIds.SendToSagaAsync(context, new ReportRequestAccepted
        {
            RequestId = message.RequestId,
            // A request that cannot run keeps no body: its saga row stores nothing large.
            Report = problem is null ? message.Report : null,
            MaxCredits = problem is null ? message.MaxCredits : null,
            Priority = problem is null ? message.Priority : null,
            RequestedBy = RequestReportRules.RequestedBy(message.RequestedBy) is null ? message.RequestedBy : null,
            // Echoed even on a refusal when it is itself valid: the requester finds its failure by its own keys.
            Context = RequestReportRules.Context(message.Context) is null ? message.Context : null,
            DeadlineAt = problem is null ? deadlineAt : null,
            Problem = problem,
            Estimated = validation as ReportEstimated,
            Rejected = validation as ReportRejected,
            Deferred = validation as ReportCallDeferred,
        });
    }

    /// <summary>
    /// The deadline as a time, or the problem with it: it must lie ahead and within <c>Reports__Deadline</c> from now,
    /// since the service's own limit bounds how long any report is tracked.
    /// </summary>
    private string? DeadlineProblem(string text, out DateTimeOffset? at)
    {
        at = null;
        if (!RequestDeadline.TryParse(text, out var deadline))
            return RequestReportRules.Deadline(text);
        var now = time.GetUtcNow();
        var limit = reports.Value.Deadline;
        var resolved = deadline.Resolve(now);
        if (resolved <= now)
            return $"RequestReport.deadline {text} has already passed.";
        if (resolved > now + limit)
            return $"RequestReport.deadline {text} is beyond the service's limit of {limit} from now ({RequestLimits.DeadlineKey}).";
        // In UTC, so the stored time and the failure text read the same whatever offset the requester wrote.
        at = resolved.ToUniversalTime();
        return null;
    }

    /// <summary>What makes the request impossible to run, or null. The provider's validation judges the rest.</summary>
    public static string? FindProblem(RequestReport message) => RequestReportRules.FindProblem(message);
}
