using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The submission gate's worker, one per instance: when woken (<see cref="SubmissionGateSignal"/>) or every
/// <c>Submission__GrantInterval</c>, it grants the free slots under <c>Submission__MaxInFlight</c> to the oldest waiting
/// reports in one batch (<see cref="ISubmissionGrants.GrantAsync"/>, exact across instances) and tells each report's
/// saga. A grant whose message was lost (a crash after the grant, a broker outage) is sent again after
/// <c>Submission__GrantResendAfter</c>; the saga takes a grant once.
/// </summary>
public sealed class SubmissionGranter(
    ISubmissionGrants grants,
    SubmissionGateSignal signal,
    IBus bus,
    IOptions<SubmissionOptions> options,
    TimeProvider time,
    ILogger<SubmissionGranter> logger) : BackgroundService
{
    /// <summary>A wake-up arrives while the waking saga's transaction commits: give it that long before looking.</summary>
    private static readonly TimeSpan CommitAllowance = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(10);

    private readonly SubmissionOptions _options = options.Value;
    private DateTimeOffset _lastResendCheck = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var notified = await signal.WaitAsync(_options.GrantInterval, stoppingToken);
                if (notified)
                    await Task.Delay(CommitAllowance, stoppingToken);
                await RunPassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database or the broker is away: the next pass tries again; nothing granted is lost.
                logger.LogWarning(exception, "Submission gate pass failed; trying again in {Interval}", _options.GrantInterval);
            }
            finally
            {
                signal.PassFinished();
            }
        }
    }

    /// <summary>Grants what is free now and re-sends grants that were not taken; returns how many were granted.</summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var granted = await grants.GrantAsync(_options.MaxInFlight, cancellationToken);
        await TellAsync(granted, cancellationToken);

        var now = time.GetUtcNow();
        if (now - _lastResendCheck >= _options.GrantResendAfter / 2)
        {
            _lastResendCheck = now;
            var lost = await grants.UnclaimedGrantsAsync(now - _options.GrantResendAfter, 1000, cancellationToken);
            if (lost.Count > 0)
            {
                logger.LogWarning("Sending {Count} submission grant(s) again that their reports had not taken", lost.Count);
                await TellAsync(lost, cancellationToken);
            }
        }

        return granted.Count;
    }

    private async Task TellAsync(IReadOnlyList<SubmissionGrant> grants, CancellationToken cancellationToken)
    {
        if (grants.Count == 0)
            return;
        var endpoint = await bus.GetSendEndpoint(ReportSagaQueues.SagaAddress).WaitAsync(SendLimit, cancellationToken);
        foreach (var grant in grants)
        {
            // Under the report's own trace parent, so an operator still sees one trace per report.
            using var step = ReportSagaTelemetry.StartStepUnder(grant.TraceParent, "submission-gate grant", grant.RequestId);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendLimit);
            // A send that fails leaves the grant untaken: the resend above delivers it later.
            await endpoint.Send(new SubmissionSlotGranted { RequestId = grant.RequestId }, timeout.Token).WaitAsync(SendLimit, cancellationToken);
        }
    }
}
