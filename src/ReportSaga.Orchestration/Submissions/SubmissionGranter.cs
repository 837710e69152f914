using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Submissions;

/// <summary>
/// The submission gate's worker, one per instance: when woken (<see cref="SubmissionGateSignal"/>) or every
/// <c>Submission__GrantInterval</c>, it grants the free slots under <c>Submission__MaxInFlight</c> in one batch, by
/// priority and fair share between requesters, within their daily budgets and the account's credits
/// (<see cref="ISubmissionGrants.GrantAsync"/>, exact across instances). A granted report is submitted from here:
/// <c>SubmitReport</c> goes straight to the submit consumer under the step token the report waits on while queued, so
/// the saga does not wake up only to pass it on (its next message is the submission's answer). A refusal (and a grant
/// of an entry an earlier version queued) is told to the report's saga. A message lost after the grant (a crash, a
/// broker outage) is sent again after <c>Submission__GrantResendAfter</c>; the saga takes a grant once, and the
/// submission ledger lets a report be submitted once.
/// </summary>
public sealed class SubmissionGranter(
    ISubmissionGrants grants,
    SubmissionGateSignal signal,
    IBus bus,
    IOptions<SubmissionOptions> options,
    IOptions<CreditsOptions> credits,
    IAccountCreditsCache accountCredits,
    TimeProvider time,
    ILogger<SubmissionGranter> logger) : BackgroundService
{
    /// <summary>A wake-up arrives while the waking saga's transaction commits: give it that long before looking.</summary>
    private static readonly TimeSpan CommitAllowance = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan SendLimit = TimeSpan.FromSeconds(10);

    private readonly SubmissionOptions _options = options.Value;
    private readonly CreditsOptions _credits = credits.Value;
    private DateTimeOffset _lastResendCheck = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var gauge = FairShareTelemetry.ObserveAccountCredits(() => _credits.AccountGuard ? accountCredits.Last : null);
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

    /// <summary>
    /// Grants what is free now (refusing what a daily budget cannot pay, holding what the account's credits cannot
    /// cover) and re-sends grants that were not taken; returns how many were granted.
    /// </summary>
    public async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        var rules = Rules();
        // Read before the pass's transaction: no provider call while a transaction is open.
        if (_credits.AccountGuard)
            rules = rules with { AccountCredits = await accountCredits.GetAsync(_credits.AccountCacheFor, cancellationToken) };
        var pass = await grants.GrantAsync(rules, cancellationToken);
        await TellAsync([.. pass.Granted, .. pass.Refused], cancellationToken);
        foreach (var held in pass.Held)
        {
            logger.LogInformation("Report {RequestId} waits for credits: it needs an estimated {Estimated}, the account has {Available} left after the reports in flight",
                held.RequestId, held.EstimatedCredits, held.AvailableCredits);
            await SendAsync(ReportSagaQueues.SagaAddress, held.TraceParent, held.RequestId, new SubmissionHeldForCredits
            {
                RequestId = held.RequestId, EstimatedCredits = held.EstimatedCredits, AvailableCredits = held.AvailableCredits,
            }, cancellationToken);
        }
        var granted = pass.Granted;

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

    /// <summary>The pass's rules from the settings (the account's credits are added per pass).</summary>
    public GrantRules Rules() => new(_options.MaxInFlight)
    {
        FairShare = _options.FairShare,
        Weights = _options.Weights,
        MaxInFlightPerRequester = _options.MaxInFlightPerRequester,
        DailyBudgets = _credits.DailyBudgets,
        DefaultDailyBudget = _credits.DefaultDailyBudget,
    };

    private async Task TellAsync(IReadOnlyList<SubmissionGrant> grants, CancellationToken cancellationToken)
    {
        // A send that fails leaves the grant untaken: the resend above delivers it later.
        foreach (var grant in grants)
        {
            if (grant.SubmitStepToken is { } stepToken)
                await SendAsync(ReportSagaQueues.SubmitAddress, grant.TraceParent, grant.RequestId,
                    new SubmitReport { RequestId = grant.RequestId, StepToken = stepToken }, cancellationToken);
            else
                // A refusal, or an earlier version's entry: the saga reads from its entry whether it was granted or refused.
                await SendAsync(ReportSagaQueues.SagaAddress, grant.TraceParent, grant.RequestId, new SubmissionSlotGranted { RequestId = grant.RequestId }, cancellationToken);
        }
    }

    private async Task SendAsync<T>(Uri address, string? traceParent, Guid requestId, T message, CancellationToken cancellationToken)
        where T : class
    {
        var endpoint = await bus.GetSendEndpoint(address).WaitAsync(SendLimit, cancellationToken);
        // Under the report's own trace parent, so an operator still sees one trace per report.
        using var step = ReportSagaTelemetry.StartStepUnder(traceParent, "submission-gate grant", requestId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendLimit);
        await endpoint.Send(message, timeout.Token).WaitAsync(SendLimit, cancellationToken);
    }
}
