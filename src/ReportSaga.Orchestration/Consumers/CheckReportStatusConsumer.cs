using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Reports;
using Microsoft.Extensions.Logging;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// Calls request-status and tells the saga what the provider said. The saga schedules these checks ahead; one that
/// comes due after its report has moved on (ended, or a newer check) is dropped without a call (<see cref="IReportStepCheck"/>).
/// </summary>
public sealed class CheckReportStatusConsumer(IBatchApiClient client, IReportStepCheck steps, ILogger<CheckReportStatusConsumer> logger)
    : IConsumer<CheckReportStatus>
{
    public async Task Consume(ConsumeContext<CheckReportStatus> context)
    {
        var message = context.Message;
        if (!await steps.IsCurrentAsync(message.RequestId, ReportStates.Waiting, message.StepToken, context.CancellationToken))
        {
            logger.LogDebug("Report {RequestId} no longer waits on this status check; dropped without a call", message.RequestId);
            return;
        }

        using var step = ReportSagaTelemetry.StartStep("report status-check", message.RequestId, message.ReportId);
        var result = await client.GetStatusAsync(message.ReportId, context.CancellationToken);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Status, result.Outcome);
        step?.SetTag(ReportSagaTags.ProviderStatus, result.Value?.Status);
        step?.SetTag(ReportSagaTags.UsedQuota, result.Value?.UsedQuota);

        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                await context.AnswerAsync(new ReportStatusChecked
                {
                    RequestId = message.RequestId,
                    StepToken = message.StepToken,
                    ReportId = message.ReportId,
                    Status = result.Value!.Status,
                    DownloadUrl = result.Value.DownloadUrl,
                    DataPointsCount = result.Value.DataPointsCount,
                    UsedQuota = result.Value.UsedQuota,
                    Error = result.Value.Error,
                });
                break;
            case BatchApiOutcome.Unauthorized:
                await context.AnswerAsync(CallOutcomes.Rejected(message, ReportFailureReasons.Unauthorized, result));
                break;
            case BatchApiOutcome.Invalid:
                // The provider no longer knows the report id: polling on would never end.
                await context.AnswerAsync(CallOutcomes.Rejected(message, ReportFailureReasons.BadRequest, result));
                break;
            default:
                await context.AnswerAsync(CallOutcomes.Deferred(message, "status", result));
                break;
        }
    }
}
