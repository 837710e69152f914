using System.Text.Json;
using MassTransit;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;

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

        // Sent to the saga's own queue: no other broker client can start a report but through RequestReport.
        var saga = await context.GetSendEndpoint(ReportSagaQueues.SagaAddress);
        await saga.Send(new ReportRequestAccepted
        {
            RequestId = message.RequestId,
            Report = message.Report,
            MaxCredits = message.MaxCredits,
            RequestedBy = message.RequestedBy,
            Problem = FindProblem(message),
        }, context.CancellationToken);
    }

    /// <summary>What makes the request impossible to run, or null. The provider's validation judges the rest.</summary>
    public static string? FindProblem(RequestReport message)
    {
        if (message.Report is not { } report || report.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return "RequestReport.report is required: the Batch API request body.";
        if (report.ValueKind != JsonValueKind.Object)
            return $"RequestReport.report must be a JSON object (the Batch API request body), not {report.ValueKind.ToString().ToLowerInvariant()}.";
        if (!report.TryGetProperty("report_query", out var query) || query.ValueKind != JsonValueKind.Object)
            return "RequestReport.report.report_query is required and must be an object.";
        if (!query.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array || tables.GetArrayLength() == 0)
            return "RequestReport.report.report_query.tables must be a non-empty array.";
        if (message.MaxCredits is < 0)
            return $"RequestReport.maxCredits must not be negative (was {message.MaxCredits}).";
        return null;
    }
}
