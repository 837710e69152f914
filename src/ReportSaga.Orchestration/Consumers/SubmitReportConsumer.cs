using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Consumers;

/// <summary>
/// Calls request-report, the one call that costs credits. The ledger makes it at most once per report: a claim is
/// committed before the call, so a redelivery after a crash mid-call is answered with <c>submission_uncertain</c>
/// instead of a second, possibly charged, submission.
/// </summary>
public sealed class SubmitReportConsumer(
    IBatchApiClient client,
    ISubmissionLedger ledger,
    IOptions<BatchApiOptions> options,
    TimeProvider time,
    ILogger<SubmitReportConsumer> logger)
    : IConsumer<SubmitReport>, ICallsOutside
{
    /// <summary>How often a duplicate looks whether the attempt it waits for has resolved its claim.</summary>
    private static readonly TimeSpan ClaimPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Beyond the call's own limit: the outcome's ledger write (with its retries) and a slow database.</summary>
    private static readonly TimeSpan ClaimResolveMargin = TimeSpan.FromSeconds(15);

    public async Task Consume(ConsumeContext<SubmitReport> context)
    {
        var requestId = context.Message.RequestId;
        using var step = ReportSagaTelemetry.StartStep("report submit", requestId);
        var claim = await ClaimAsync(requestId, context.CancellationToken);
        switch (claim.Status)
        {
            case SubmissionClaimStatus.AlreadySubmitted:
                logger.LogInformation("Report {RequestId} was already submitted as {ReportId}; not submitting again", requestId, claim.ReportId);
                await context.Publish(new ReportSubmitted { RequestId = requestId, ReportId = claim.ReportId! });
                return;
            case SubmissionClaimStatus.Uncertain:
                logger.LogWarning("Report {RequestId}: an earlier submission attempt did not finish; not submitting again", requestId);
                await context.Publish(Uncertain(requestId, "An earlier submission attempt was interrupted before its outcome was known."));
                return;
        }

        // From here the call may reach the provider: the caller's cancellation must not cut it short.
        var result = await client.RequestReportAsync(context.Message.Report, CancellationToken.None);
        ReportSagaTelemetry.RecordBatchApiCall(BatchApiEndpoints.RequestReport, result.Outcome);
        step?.SetTag(ReportSagaTags.ReportId, result.Value?.ReportId);
        if (result.Outcome is not (BatchApiOutcome.Success or BatchApiOutcome.RateLimited or BatchApiOutcome.TransientFailure))
            ReportSagaTelemetry.MarkFailed(step, result.Outcome.ToString());
        switch (result.Outcome)
        {
            case BatchApiOutcome.Success:
                // The provider has the report now: losing this record would end it as submission_uncertain on a
                // redelivery, so a brief database outage is waited out here.
                var reportId = result.Value!.ReportId;
                await WithRetries(() => ledger.RecordSubmittedAsync(requestId, reportId, CancellationToken.None));
                await context.Publish(new ReportSubmitted { RequestId = requestId, ReportId = reportId });
                break;
            case BatchApiOutcome.OutcomeUnknown:
                await ledger.RecordUncertainAsync(requestId, CancellationToken.None);
                await context.Publish(Uncertain(requestId, result.Errors.Count > 0 ? result.Errors[0] : "The submit call's outcome is unknown."));
                break;
            case BatchApiOutcome.Invalid:
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.Publish(CallOutcomes.Rejected(requestId, ReportFailureReasons.BadRequest, result));
                break;
            case BatchApiOutcome.Unauthorized:
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.Publish(CallOutcomes.Rejected(requestId, ReportFailureReasons.Unauthorized, result));
                break;
            default:
                // Rate limited, refused or a provider fault: nothing was created, so the saga may submit again later.
                await ledger.ReleaseAsync(requestId, CancellationToken.None);
                await context.Publish(CallOutcomes.Deferred(requestId, "request-report", result));
                break;
        }
    }

    /// <summary>
    /// Claims the submission. A claim another attempt took and never resolved usually means that attempt crashed
    /// mid-call, but this consumer runs with no transaction or inbox lock held (<see cref="ICallsOutside"/>), so it may
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

    private static async Task WithRetries(Func<Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception exception) when (attempt < 5 && exception is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
            }
        }
    }

    private static ReportRejected Uncertain(Guid requestId, string detail) => new()
    {
        RequestId = requestId,
        Reason = ReportFailureReasons.SubmissionUncertain,
        Errors = [detail, "Not resubmitted automatically: a second submission may be charged twice. Check the provider's account before requesting again."],
    };
}
