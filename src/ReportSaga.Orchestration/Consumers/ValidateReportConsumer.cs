using MassTransit;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>Calls request-validate (free of charge) and tells the saga what the provider said.</summary>
public sealed class ValidateReportConsumer(IBatchApiClient client) : IConsumer<ValidateReport>
{
    public async Task Consume(ConsumeContext<ValidateReport> context)
    {
        var requestId = context.Message.RequestId;
        using var step = ReportSagaTelemetry.StartStep("report validate", requestId);
        var result = await client.ValidateAsync(context.Message.Report, context.CancellationToken);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Validate, result.Outcome);
        step?.SetTag(ReportSagaTags.EstimatedCredits, result.Value?.EstimatedCredits);

        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                await context.AnswerAsync(new ReportEstimated
                {
                    RequestId = requestId,
                    StepToken = context.Message.StepToken,
                    EstimatedCredits = result.Value!.EstimatedCredits,
                    Warnings = result.Value.Warnings,
                });
                break;
            case BatchApiOutcome.Invalid:
                ReportSagaTelemetry.MarkFailed(step, ReportFailureReasons.Invalid);
                await context.AnswerAsync(CallOutcomes.Rejected(context.Message, ReportFailureReasons.Invalid, result));
                break;
            case BatchApiOutcome.Unauthorized:
                await context.AnswerAsync(CallOutcomes.Rejected(context.Message, ReportFailureReasons.Unauthorized, result));
                break;
            default:
                await context.AnswerAsync(CallOutcomes.Deferred(context.Message, "validate", result));
                break;
        }
    }
}
