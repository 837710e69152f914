using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>Calls retry-report for a report in internal_error (a retried report is not charged again).</summary>
public sealed class RetryReportConsumer(IBatchApiClient client) : IConsumer<RetryReport>
{
    public async Task Consume(ConsumeContext<RetryReport> context)
    {
        var message = context.Message;
        using var step = ReportSagaTelemetry.StartStep("report retry", message.RequestId, message.ReportId);
        var result = await client.RetryAsync(message.ReportId, context.CancellationToken);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Retry, result.Outcome);

        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                await context.AnswerAsync(new ReportRetryAccepted
                {
                    RequestId = message.RequestId,
                    StepToken = message.StepToken,
                    ReportId = message.ReportId,
                    Status = result.Value!.Status,
                });
                break;
            case BatchApiOutcome.Unauthorized:
                await context.AnswerAsync(CallOutcomes.Rejected(message, ReportFailureReasons.Unauthorized, result));
                break;
            case BatchApiOutcome.Invalid:
                // Refused. A repeated call (a redelivery after a crash, say) is refused because the first one worked
                // and the report has moved on: then carry on from its current status instead of failing it.
                var status = await client.GetStatusAsync(message.ReportId, context.CancellationToken);
                ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Status, status.Outcome);
                if (status.IsSuccess && status.Value!.Status != ProviderStatuses.InternalError)
                {
                    await context.AnswerAsync(new ReportRetryAccepted
                    {
                        RequestId = message.RequestId,
                        StepToken = message.StepToken,
                        ReportId = message.ReportId,
                        Status = status.Value.Status,
                    });
                    break;
                }

                // Still in internal_error and the provider will not retry it: it cannot recover.
                await context.AnswerAsync(new ReportRejected
                {
                    RequestId = message.RequestId,
                    StepToken = message.StepToken,
                    Reason = ReportFailureReasons.RetriesExhausted,
                    Errors = ["The provider refused the retry call.", .. result.Errors],
                });
                break;
            default:
                await context.AnswerAsync(CallOutcomes.Deferred(message, "retry", result));
                break;
        }
    }
}
