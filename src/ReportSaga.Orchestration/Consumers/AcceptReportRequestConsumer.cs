using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Requests;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// The entry for <see cref="RequestReport"/>, from MassTransit publishers and plain-JSON publishers alike. It checks
/// the request's shape and hands it to the report's saga; a request that cannot be run still reaches the saga, which
/// ends it with <c>invalid</c>, so the requester hears about it and the request id stays taken.
/// </summary>
public sealed class AcceptReportRequestConsumer : IConsumer<RequestReport>
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
        // Sent to the saga's own queue: no other broker client can start a report but through RequestReport.
        var saga = await context.GetSendEndpoint(ReportSagaQueues.SagaAddress);
        await saga.Send(new ReportRequestAccepted
        {
            RequestId = message.RequestId,
            // A request that cannot run keeps no body: its saga row stores nothing large.
            Report = problem is null ? message.Report : null,
            MaxCredits = problem is null ? message.MaxCredits : null,
            Priority = problem is null ? message.Priority : null,
            RequestedBy = RequestReportRules.RequestedBy(message.RequestedBy) is null ? message.RequestedBy : null,
            Problem = problem,
        }, context.CancellationToken);
    }

    /// <summary>What makes the request impossible to run, or null. The provider's validation judges the rest.</summary>
    public static string? FindProblem(RequestReport message) => RequestReportRules.FindProblem(message);
}
