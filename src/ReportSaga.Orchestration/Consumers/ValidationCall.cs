using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// One request-validate call (free of charge, idempotent) and what the saga is told of it: the estimate, a refusal that
/// ends the report, or a deferral (nothing answered now; validate again after a backoff). Made where a report is
/// accepted, and by <see cref="ValidateReportConsumer"/> when the saga validates again.
/// </summary>
internal static class ValidationCall
{
    /// <summary>The answer for <paramref name="command"/>: a <see cref="ReportEstimated"/>, <see cref="ReportRejected"/> or <see cref="ReportCallDeferred"/>.</summary>
    public static async Task<IStepMessage> RunAsync(IBatchApiClient client, ValidateReport command, CancellationToken cancellationToken)
    {
        using var step = ReportSagaTelemetry.StartStep("report validate", command.RequestId);
        var result = await client.ValidateAsync(command.Report, cancellationToken);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.Validate, result.Outcome);
        step?.SetTag(ReportSagaTags.EstimatedCredits, result.Value?.EstimatedCredits);

        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                return new ReportEstimated
                {
                    RequestId = command.RequestId,
                    StepToken = command.StepToken,
                    EstimatedCredits = result.Value!.EstimatedCredits,
                    Warnings = result.Value.Warnings,
                };
            case BatchApiOutcome.Invalid:
                ReportSagaTelemetry.MarkFailed(step, ReportFailureReasons.Invalid);
                return CallOutcomes.Rejected(command, ReportFailureReasons.Invalid, result);
            case BatchApiOutcome.Unauthorized:
                return CallOutcomes.Rejected(command, ReportFailureReasons.Unauthorized, result);
            default:
                return CallOutcomes.Deferred(command, "validate", result);
        }
    }
}
