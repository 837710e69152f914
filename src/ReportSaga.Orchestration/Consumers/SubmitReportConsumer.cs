using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// Calls request-report, the one call that costs credits. It submits only what the report's saga is waiting to submit
/// (<see cref="ISubmissionAuthority"/>): a forged, stale or repeated command spends nothing. The ledger makes it at
/// most once per report: a claim is committed before the call, so a redelivery after a crash mid-call is answered with
/// <c>submission_uncertain</c> instead of a second, possibly charged, submission.
/// </summary>
public sealed class SubmitReportConsumer(
    IBatchApiClient client,
    ISubmissionLedger ledger,
    ISubmissionAuthority authority,
    IOptions<BatchApiOptions> options,
    TimeProvider time,
    ILogger<SubmitReportConsumer> logger)
    : IConsumer<SubmitReport>
{
    /// <summary>How often a duplicate looks whether the attempt it waits for has resolved its claim.</summary>
    private static readonly TimeSpan ClaimPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Beyond the call's own limit: the outcome's ledger write (with its retries) and a slow database.</summary>
    private static readonly TimeSpan ClaimResolveMargin = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Recording an accepted submission waits out a database outage as long as any other storage work does
    /// (<see cref="StorageOutage"/>): losing the record would end a charged report as submission_uncertain.
    /// </summary>
    private static readonly ResiliencePipeline RecordingRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException),
            MaxRetryAttempts = StorageOutage.Attempts,
            Delay = StorageOutage.FirstDelay,
            MaxDelay = StorageOutage.LongestDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public async Task Consume(ConsumeContext<SubmitReport> context)
    {
        var command = context.Message;
        var requestId = command.RequestId;
        using var step = ReportSagaTelemetry.StartStep("report submit", requestId);
        // The body comes from the saga's row, not the command: the gate's worker submits without reading it.
        if (await authority.ApprovedReportAsync(requestId, command.StepToken, context.CancellationToken) is not { } report)
        {
            // Not the step the saga waits on: a repeat of an older step, or a command nobody inside sent.
            logger.LogWarning("Report {RequestId}: a SubmitReport that does not match the report's current step was dropped; nothing was submitted", requestId);
            ReportSagaTelemetry.MarkFailed(step, "not_authorized");
            return;
        }

        var claim = await ClaimAsync(requestId, context.CancellationToken);
        switch (claim.Status)
        {
            case SubmissionClaimStatus.AlreadySubmitted:
                logger.LogInformation("Report {RequestId} was already submitted as {ReportId}; not submitting again", requestId, claim.ReportId);
                await context.AnswerAsync(Accepted(command, claim.ReportId!));
                return;
            case SubmissionClaimStatus.Uncertain:
                logger.LogWarning("Report {RequestId} ends submission_uncertain: an earlier submission attempt did not finish; reconcile with the provider's account", requestId);
                await context.AnswerAsync(Uncertain(command, "An earlier submission attempt was interrupted before its outcome was known."));
                return;
        }

        // From here the call may reach the provider: the caller's cancellation must not cut it short.
        var result = await client.RequestReportAsync(report, CancellationToken.None);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.RequestReport, result.Outcome);
        step?.SetTag(ReportSagaTags.ReportId, result.Value?.ReportId);
        if (result.Outcome is not (BatchApiOutcome.Success or BatchApiOutcome.RateLimited or BatchApiOutcome.TransientFailure))
            ReportSagaTelemetry.MarkFailed(step, result.Outcome.ToString());
        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                var reportId = result.Value!.ReportId;
                await RecordSubmittedAsync(requestId, reportId);
                await context.AnswerAsync(Accepted(command, reportId));
                break;
            case BatchApiOutcome.OutcomeUnknown:
                await ledger.RecordUncertainAsync(requestId, CancellationToken.None);
                logger.LogWarning("Report {RequestId} ends submission_uncertain: the submit call's outcome is unknown ({Error}); reconcile with the provider's account",
                    requestId, result.Errors.Count > 0 ? result.Errors[0] : "no answer");
                await context.AnswerAsync(Uncertain(command, result.Errors.Count > 0 ? result.Errors[0] : "The submit call's outcome is unknown."));
                break;
            case BatchApiOutcome.Invalid:
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.AnswerAsync(CallOutcomes.Rejected(command, ReportFailureReasons.BadRequest, result));
                break;
            case BatchApiOutcome.Unauthorized:
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.AnswerAsync(CallOutcomes.Rejected(command, ReportFailureReasons.Unauthorized, result));
                break;
            default:
                // Rate limited, refused or a provider fault: nothing was created, so the saga may submit again later.
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.AnswerAsync(CallOutcomes.Deferred(command, "request-report", result));
                break;
        }
    }

    /// <summary>
    /// Claims the submission. A claim another attempt took and never resolved usually means that attempt crashed
    /// mid-call, but this consumer runs with no transaction or inbox lock held (<see cref="Messaging.ReportSagaQueues.AnswersOnly"/>), so it may
    /// also be a duplicate delivery of this same command (a redelivery after a lost broker connection) whose first
    /// attempt is still in its call. Answering "uncertain" at once would then end a report the provider is accepting
    /// right now: so wait until that attempt resolves its claim, or could no longer be running (its claim is older
    /// than one submit call's time limit plus a margin).
    /// </summary>
    private async Task<SubmissionClaim> ClaimAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var liveAttemptLimit = options.Value.AttemptTimeout + ClaimResolveMargin;
        while (true)
        {
            var claim = await ledger.ClaimAsync(requestId, cancellationToken);
            if (claim is not { Status: SubmissionClaimStatus.Uncertain, UnresolvedSince: { } since }
                || time.GetUtcNow().UtcDateTime - since >= liveAttemptLimit)
                return claim;
            await Task.Delay(ClaimPollInterval, time, cancellationToken);
        }
    }

    private async Task RecordSubmittedAsync(Guid requestId, string reportId)
    {
        try
        {
            await RecordingRetry.ExecuteAsync(async token => await ledger.RecordSubmittedAsync(requestId, reportId, token), CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The redelivery will end the report submission_uncertain: this line is what reconciles it.
            logger.LogError(exception, "Report {RequestId} was accepted by the provider as {ReportId} but could not be recorded; it will end submission_uncertain",
                requestId, reportId);
            throw;
        }
    }

    private static ReportSubmissionAccepted Accepted(SubmitReport command, string reportId) =>
        new() { RequestId = command.RequestId, StepToken = command.StepToken, ReportId = reportId };

    private static ReportRejected Uncertain(SubmitReport command, string detail) => new()
    {
        RequestId = command.RequestId,
        StepToken = command.StepToken,
        Reason = ReportFailureReasons.SubmissionUncertain,
        Errors = [detail, "Not resubmitted automatically: a second submission may be charged twice. Check the provider's account before requesting again."],
    };
}
