using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReportSaga.BatchApi;
using ReportSaga.Contracts;
using ReportSaga.Orchestration.Commands;
using ReportSaga.Orchestration.Messages;
using ReportSaga.Orchestration.Messaging;
using ReportSaga.Orchestration.Options;
using ReportSaga.Orchestration.Policies;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Orchestration.Telemetry;

namespace ReportSaga.Orchestration.Reports;

/// <summary>
/// One report's life, from <see cref="RequestReport"/> to exactly one <see cref="ReportCompleted"/> or
/// <see cref="ReportFailed"/>. The machine decides; consumers make the Batch API calls and answer with events.
/// It wakes up only when it has something to do: an answer, a refused submission slot (a granted one is submitted by
/// the gate's worker, and the submission's answer comes here), or its own scheduled <see cref="ReportWakeUp"/> (next
/// poll, resubmission, retry call) and <see cref="ReportDeadlineReached"/>.
/// Commands go to the consumers' own queues with a fresh step token (<see cref="IStepMessage"/>); an answer counts only
/// while its step is the one the report waits on. The public events are published here, never by the consumers.
/// </summary>
public sealed class ReportStateMachine : MassTransitStateMachine<ReportState>
{
    private static readonly TimeSpan DownloadUrlLifetime = TimeSpan.FromDays(30);

    /// <summary>The <see cref="ReportStatusChanged.Status"/> of a report waiting for the account's credits (the account guard).</summary>
    public const string AwaitingCreditsStatus = "awaiting_credits";

    private readonly PollingOptions _polling;
    private readonly PollingPolicy _pollingPolicy;
    private readonly ReportsOptions _reports;
    private readonly SubmissionOptions _submission;
    private readonly TimeProvider _time;

    public ReportStateMachine(
        IOptions<PollingOptions> polling,
        IOptions<ReportsOptions> reports,
        IOptions<SubmissionOptions> submission,
        TimeProvider time,
        ILogger<ReportStateMachine> logger)
    {
        _polling = polling.Value;
        _pollingPolicy = new PollingPolicy(_polling);
        _reports = reports.Value;
        _submission = submission.Value;
        _time = time;

        InstanceState(x => x.CurrentState);
        // Every change of a report is written to its history, in the same transaction as the change.
        ConnectEventObserver(new History.ReportHistoryObserver(time));

        Event(() => Requested, x => x.CorrelateById(m => m.Message.RequestId));
        Event(() => Estimated, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => SlotGranted, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => HeldForCredits, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => SubmissionAccepted, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => StatusChecked, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => RetryAccepted, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => Rejected, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => CallDeferred, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => CancelRequested, x => x.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard()));
        Event(() => StatusRequested, x =>
        {
            x.CorrelateById(m => m.Message.RequestId);
            x.ReadOnly = true;
            x.OnMissingInstance(m => m.ExecuteAsync(context =>
                context.RespondAsync(new ReportNotFound { RequestId = context.Message.RequestId })));
        });

        Schedule(() => WakeUp, x => x.WakeUpTokenId, s =>
        {
            s.Delay = _polling.InitialInterval;
            s.Received = r => r.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard());
        });
        Schedule(() => Deadline, x => x.DeadlineTokenId, s =>
        {
            s.Delay = _reports.Deadline;
            s.Received = r => r.CorrelateById(m => m.Message.RequestId).OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(Requested, context => context.Message.Problem is not null)
                .Then(context => Accept(context.Saga, context.Message))
                .Then(context => SetFailure(context.Saga, ReportFailureReasons.Invalid, [context.Message.Problem!]))
                .EndAsFailed(this),
            // The request comes validated (AcceptReportRequestConsumer calls the provider as it accepts it): the
            // estimate is taken at once, as in Validating, without a ValidateReport and a second wake-up.
            When(Requested, context => context.Message.Problem is null && context.Message.Estimated is not null)
                .StartsReport(this)
                .TakesEstimate(this, message => message.Estimated!),
            When(Requested, context => context.Message.Problem is null && context.Message.Rejected is not null)
                .StartsReport(this)
                .Then(context => SetFailure(context.Saga, context.Message.Rejected!.Reason, context.Message.Rejected.Errors))
                .EndAsFailed(this),
            // The provider could not answer now: validate again after the backoff, as after a deferred ValidateReport.
            When(Requested, context => context.Message.Problem is null && context.Message.Deferred is not null)
                .StartsReport(this)
                .TriesAgainLater(message => message.Deferred!, _submission.RetryDelay, _submission.MaxRetryDelay, WakesUpAfter)
                .TransitionTo(Validating),
            // Accepted by an earlier version (no validation in the message): validate now.
            When(Requested, context => context.Message.Problem is null && context.Message.Validation() is null)
                .StartsReport(this)
                .Then(NewStep)
                .Send(ReportSagaQueues.ValidateAddress, ValidateCommand)
                .TransitionTo(Validating));

        During(Validating,
            When(Estimated, IsAnswer)
                .TakesEstimate(this, message => message),
            When(WakeUp.Received)
                .Then(NewStep)
                .Send(ReportSagaQueues.ValidateAddress, ValidateCommand),
            When(CallDeferred, IsAnswer)
                .TriesAgainLater(_submission.RetryDelay, _submission.MaxRetryDelay, WakesUpAfter));

        // The gate's worker grants the slot and submits under the queued step's token itself: the submission's answer
        // is the next message here. It tells the saga only of a refusal (or the grant of an entry queued by an earlier
        // version), and that counts only if the gate's own record says so: a forged or stale one changes nothing.
        During(Queued,
            When(SlotGranted)
                .ThenAsync(SubmissionGate.ClaimDecisionAsync)
                // Refused: the estimate does not fit what the requester's daily budget has left (the gate says which).
                .If(context => SubmissionGate.Decision(context).Kind == SlotDecisionKind.Refused, refused => refused
                    .Then(context => SetFailure(context.Saga, ReportFailureReasons.CreditBudgetExceeded, [SubmissionGate.Decision(context).Reason!]))
                    .EndAsFailed(this))
                .If(context => SubmissionGate.Decision(context).Kind == SlotDecisionKind.Granted, granted => granted
                    .Then(context =>
                    {
                        context.Saga.StepAttempts = 0;
                        Touch(context.Saga);
                    })
                    .Then(NewStep)
                    .ThenAsync(async context =>
                    {
                        // The grant comes from the gate's worker, outside any report's trace: submit under this
                        // report's own trace, so an operator still sees one trace per report.
                        using var step = ReportSagaTelemetry.StartStepUnder(context.Saga.TraceParent, "report slot-granted", context.Saga.CorrelationId);
                        var endpoint = await context.GetSendEndpoint(ReportSagaQueues.SubmitAddress);
                        await endpoint.Send(SubmitCommand(context));
                    })
                    .TransitionTo(Submitting)),
            // The provider could not take it now (429, a fault): the slot stays held, and the saga submits again itself.
            When(CallDeferred, IsAnswer)
                .TriesAgainLater(_submission.RetryDelay, _submission.MaxRetryDelay, WakesUpAfter)
                .TransitionTo(Submitting),
            // The account's credits do not cover it yet: it keeps its place and says so once.
            When(HeldForCredits)
                .Then(context => FairShareTelemetry.RecordHeldForCredits())
                .Publish(context => new ReportStatusChanged
                {
                    RequestId = context.Saga.CorrelationId,
                    ReportId = "",
                    Status = AwaitingCreditsStatus,
                }));

        // Submitted: from the gate's grant (Queued) or from a submission again after a deferred one (Submitting).
        During(Queued, Submitting,
            When(SubmissionAccepted, IsAnswer)
                .Then(EndStep)
                .Then(context =>
                {
                    context.Saga.ReportId = context.Message.ReportId;
                    context.Saga.SubmittedAt = _time.GetUtcNow();
                    context.Saga.StepAttempts = 0;
                    Touch(context.Saga);
                })
                .Publish(context => new ReportSubmitted
                {
                    RequestId = context.Saga.CorrelationId, ReportId = context.Saga.ReportId!, RequestedBy = context.Saga.RequestedBy, Context = EchoedContext(context.Saga),
                }, RequesterHeader.Set)
                .ThenAsync(context => StatusCheckTiming.PlanFirstCheckAsync(context, _pollingPolicy))
                .ThenAsync(context => ScheduleStatusCheckAsync(context, StatusCheckTiming.FirstWait(context, _pollingPolicy)))
                .TransitionTo(Waiting));

        During(Submitting,
            When(WakeUp.Received)
                .Then(NewStep)
                .Send(ReportSagaQueues.SubmitAddress, SubmitCommand),
            When(CallDeferred, IsAnswer)
                .TriesAgainLater(_submission.RetryDelay, _submission.MaxRetryDelay, WakesUpAfter));

        During(Waiting,
            // Status checks are scheduled straight to the consumer (ScheduleStatusCheckAsync); a wake-up here is one
            // scheduled by an earlier version of the service before an upgrade.
            When(WakeUp.Received)
                .Then(context => context.Saga.PollCount++)
                .Then(NewStep)
                .Send(ReportSagaQueues.CheckStatusAddress, context => new CheckReportStatus
                {
                    RequestId = context.Saga.CorrelationId,
                    StepToken = context.Saga.StepToken!.Value,
                    ReportId = context.Saga.ReportId!,
                }),
            When(StatusChecked, context => IsAnswer(context) && context.Message.Status == ProviderStatuses.Completed)
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context =>
                {
                    var completedAt = _time.GetUtcNow();
                    context.Saga.ProviderStatus = context.Message.Status;
                    context.Saga.DownloadUrl = context.Message.DownloadUrl;
                    context.Saga.DataPointsCount = context.Message.DataPointsCount;
                    context.Saga.UsedQuota = context.Message.UsedQuota;
                    context.Saga.CompletedAt = completedAt;
                    Touch(context.Saga);
                    if (context.Saga.UsedQuota is { } used)
                        ReportSagaTelemetry.RecordCreditsUsed(used);
                    RecordFinished(context.Saga);
                })
                .ThenAsync(StatusCheckTiming.RecordCompletionAsync)
                .Publish(context => new ReportCompleted
                {
                    RequestId = context.Saga.CorrelationId,
                    ReportId = context.Saga.ReportId!,
                    DownloadUrl = context.Saga.DownloadUrl,
                    DataPointsCount = context.Saga.DataPointsCount,
                    UsedQuota = context.Saga.UsedQuota,
                    CompletedAt = context.Saga.CompletedAt!.Value,
                    DownloadUrlExpiresAt = context.Saga.CompletedAt!.Value + DownloadUrlLifetime,
                    RequestedBy = context.Saga.RequestedBy,
                    Context = EchoedContext(context.Saga),
                }, RequesterHeader.Set)
                // The day's spend counts what the provider charged, not the estimate.
                .ThenAsync(context => SubmissionGate.ReleaseAsync(context, context.Saga.UsedQuota))
                .Unschedule(Deadline)
                .TransitionTo(Completed),
            When(StatusChecked, context => IsAnswer(context) && context.Message.Status == ProviderStatuses.BadRequest)
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context => context.Saga.ProviderStatus = context.Message.Status)
                .Then(context => SetFailure(context.Saga, ReportFailureReasons.BadRequest,
                    [context.Message.Error ?? "The provider marked the report bad_request: fix the request and send it again."]))
                .EndAsFailed(this),
            When(StatusChecked, context => IsAnswer(context) && context.Message.Status == ProviderStatuses.InternalError && context.Saga.RetryAttempts >= _reports.MaxRetries)
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context => context.Saga.ProviderStatus = context.Message.Status)
                .Then(context => SetFailure(context.Saga, ReportFailureReasons.RetriesExhausted,
                    [$"The provider reported internal_error after {context.Saga.RetryAttempts} retries." + (context.Message.Error is null ? "" : " " + context.Message.Error)]))
                .EndAsFailed(this),
            When(StatusChecked, context => IsAnswer(context) && context.Message.Status == ProviderStatuses.InternalError && context.Saga.RetryAttempts < _reports.MaxRetries)
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context =>
                {
                    context.Saga.ProviderStatus = context.Message.Status;
                    context.Saga.StepAttempts = 0;
                    Touch(context.Saga);
                })
                .Schedule(WakeUp, WakeUpMessage, context => RetryDelay(context.Saga.RetryAttempts))
                .TransitionTo(Retrying),
            When(StatusChecked, context => IsAnswer(context) && !ProviderStatuses.IsFinal(context.Message.Status))
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context =>
                {
                    if (context.Saga.ProviderStatus != context.Message.Status)
                        Touch(context.Saga);
                    context.Saga.ProviderStatus = context.Message.Status;
                    context.Saga.StepAttempts++;
                })
                .ThenAsync(context => ScheduleStatusCheckAsync(context, NextCheckDelay(context.Saga))),
            When(CallDeferred, IsAnswer)
                .TriesAgainLater(_polling.InitialInterval, _polling.MaxInterval,
                    (then, delay) => then.ThenAsync(context => ScheduleStatusCheckAsync(context, delay(context)))));

        During(Retrying,
            When(WakeUp.Received)
                .Then(NewStep)
                .Send(ReportSagaQueues.RetryAddress, context => new RetryReport
                {
                    RequestId = context.Saga.CorrelationId,
                    StepToken = context.Saga.StepToken!.Value,
                    ReportId = context.Saga.ReportId!,
                }),
            When(RetryAccepted, IsAnswer)
                .Then(EndStep)
                .PublishStatusChange(context => context.Message.Status)
                .Then(context =>
                {
                    context.Saga.RetryAttempts++;
                    context.Saga.ProviderStatus = context.Message.Status;
                    context.Saga.StepAttempts = 0;
                    Touch(context.Saga);
                })
                .ThenAsync(context => ScheduleStatusCheckAsync(context, NextCheckDelay(context.Saga)))
                .TransitionTo(Waiting),
            When(CallDeferred, IsAnswer)
                .TriesAgainLater(_reports.RetryDelay, _reports.MaxRetryDelay, WakesUpAfter));

        // Ends that can come in any unfinished state.
        During(Unfinished,
            When(Rejected, IsAnswer)
                .Then(EndStep)
                .Then(context => SetFailure(context.Saga, context.Message.Reason, context.Message.Errors))
                .EndAsFailed(this),
            When(Deadline.Received)
                .Then(context => SetFailure(context.Saga, ReportFailureReasons.DeadlineExceeded,
                    [context.Saga.DeadlineAt is { } at
                        ? $"The report did not finish by its deadline, {at:O} (RequestReport.deadline)."
                        : $"The report did not finish within {_reports.Deadline} (Reports__Deadline)."]))
                .EndAsFailed(this),
            When(CancelRequested)
                .Then(context => SetFailure(context.Saga, ReportFailureReasons.Cancelled,
                    [context.Saga.ReportId is null
                        ? "Cancelled before submission; nothing was charged."
                        : "Cancelled after submission; the provider has no cancel call, so the report may still be charged."]))
                .EndAsFailed(this));

        // A report is started once: the same request id again changes nothing.
        During([.. Unfinished, Completed, Failed],
            Ignore(Requested));

        // After the end, late answers, polls and cancellations are dropped without a fault. A grant that reaches a
        // report which has already ended (cancelled while queued, say) is dropped too: the report's gate entry went
        // with its end, and with it the slot.
        During(Completed, Failed,
            Ignore(SlotGranted),
            Ignore(Estimated),
            Ignore(SubmissionAccepted),
            Ignore(StatusChecked),
            Ignore(RetryAccepted),
            Ignore(Rejected),
            Ignore(CallDeferred),
            Ignore(CancelRequested),
            Ignore(WakeUp.Received),
            Ignore(Deadline.Received));

        DuringAny(
            When(StatusRequested)
                .RespondAsync(context => context.Init<ReportStatus>(Snapshot(context.Saga))));

        // Anything else out of order (a duplicate answer after a redelivery, say) is dropped, not faulted: a fault
        // would put a harmless late message into the error queue and page an operator for nothing.
        OnUnhandledEvent(context =>
        {
            logger.LogDebug("Report {RequestId} in state {State} ignored a late {Event}",
                context.Saga.CorrelationId, context.Saga.CurrentState, context.Event.Name);
            return context.Ignore();
        });
    }

    public State Validating { get; private set; } = null!;
    public State Queued { get; private set; } = null!;
    public State Submitting { get; private set; } = null!;
    public State Waiting { get; private set; } = null!;
    public State Retrying { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    /// <summary>The states of a report that has not ended yet (<see cref="ReportStates.Unfinished"/>).</summary>
    private IEnumerable<State> Unfinished => ReportStates.Unfinished.Select(GetState);

    public Event<ReportRequestAccepted> Requested { get; private set; } = null!;
    public Event<ReportEstimated> Estimated { get; private set; } = null!;
    public Event<SubmissionSlotGranted> SlotGranted { get; private set; } = null!;
    public Event<SubmissionHeldForCredits> HeldForCredits { get; private set; } = null!;
    public Event<ReportSubmissionAccepted> SubmissionAccepted { get; private set; } = null!;
    public Event<ReportStatusChecked> StatusChecked { get; private set; } = null!;
    public Event<ReportRetryAccepted> RetryAccepted { get; private set; } = null!;
    public Event<ReportRejected> Rejected { get; private set; } = null!;
    public Event<ReportCallDeferred> CallDeferred { get; private set; } = null!;
    public Event<CancelReport> CancelRequested { get; private set; } = null!;
    public Event<GetReportStatus> StatusRequested { get; private set; } = null!;

    public Schedule<ReportState, ReportWakeUp> WakeUp { get; private set; } = null!;
    public Schedule<ReportState, ReportDeadlineReached> Deadline { get; private set; } = null!;

    private void Accept(ReportState saga, ReportRequestAccepted message)
    {
        var now = _time.GetUtcNow();
        saga.Report = message.Report is { ValueKind: JsonValueKind.Object } report ? report.GetRawText() : "{}";
        saga.MaxCredits = message.MaxCredits;
        saga.RequestedBy = message.RequestedBy;
        saga.Context = message.Context is { ValueKind: JsonValueKind.Object } context ? context.GetRawText() : null;
        saga.DeadlineAt = message.DeadlineAt;
        saga.Priority = message.Priority;
        saga.TraceParent = System.Diagnostics.Activity.Current?.Id;
        saga.CreatedAt = now;
        saga.UpdatedAt = now;
    }

    private static void RecordFinished(ReportState saga) =>
        ReportSagaTelemetry.RecordReportFinished(
            saga.FailureReason is null ? ReportOutcomes.Completed : ReportOutcomes.Failed,
            saga.FailureReason,
            saga.UpdatedAt - saga.CreatedAt,
            saga.PollCount);

    private void Touch(ReportState saga) => saga.UpdatedAt = _time.GetUtcNow();

    private void SetFailure(ReportState saga, string reason, IReadOnlyList<string> errors)
    {
        saga.FailureReason = reason;
        saga.FailureErrors = JsonSerializer.Serialize(errors);
        Touch(saga);
    }

    private static bool IsOverBudget(ReportState saga, ReportEstimated message) =>
        saga.MaxCredits is { } max && message.EstimatedCredits > max;

    /// <summary>The report's Batch API request body, as stored with its saga.</summary>
    internal static JsonElement Body(ReportState saga)
    {
        using var document = JsonDocument.Parse(saga.Report);
        return document.RootElement.Clone();
    }

    /// <summary>Starts a new step: only an answer carrying this token counts from now on.</summary>
    private static void NewStep(BehaviorContext<ReportState> context) => context.Saga.StepToken = NewId.NextGuid();

    /// <summary>The step's answer was taken: a repeat of it (a redelivered command's second answer) no longer counts.</summary>
    internal static void EndStep(BehaviorContext<ReportState> context) => context.Saga.StepToken = null;

    /// <summary>The answer belongs to the step the report waits on (not a late, repeated or forged one).</summary>
    private static bool IsAnswer<T>(BehaviorContext<ReportState, T> context)
        where T : class, IStepMessage =>
        context.Saga.StepToken is { } token && context.Message.StepToken == token;

    private static ValidateReport ValidateCommand<T>(BehaviorContext<ReportState, T> context)
        where T : class =>
        new() { RequestId = context.Saga.CorrelationId, StepToken = context.Saga.StepToken!.Value, Report = Body(context.Saga) };

    private static SubmitReport SubmitCommand<T>(BehaviorContext<ReportState, T> context)
        where T : class =>
        new() { RequestId = context.Saga.CorrelationId, StepToken = context.Saga.StepToken!.Value, Report = Body(context.Saga) };

    private static ReportValidated Validation(ReportState saga, ReportEstimated estimate) => new()
    {
        RequestId = saga.CorrelationId,
        EstimatedCredits = estimate.EstimatedCredits,
        Warnings = estimate.Warnings,
        RequestedBy = saga.RequestedBy,
        Context = EchoedContext(saga),
    };

    /// <summary>The start of every report that can run: its request's fields, the started count, its deadline.</summary>
    internal EventActivityBinder<ReportState, ReportRequestAccepted> StartsReport(EventActivityBinder<ReportState, ReportRequestAccepted> binder) =>
        binder
            .Then(context => Accept(context.Saga, context.Message))
            .Then(_ => ReportSagaTelemetry.RecordReportStarted())
            .Schedule(Deadline, context => new ReportDeadlineReached { RequestId = context.Saga.CorrelationId }, DeadlineDelay);

    /// <summary>
    /// Takes the provider's estimate (from the accepted request, or from a <see cref="ValidateReport"/>'s answer) and
    /// publishes <see cref="ReportValidated"/>: over <c>maxCredits</c> the report ends <c>credit_budget_exceeded</c>;
    /// otherwise it joins the submission gate's line. Queued is the submission's step: its token goes into the gate
    /// entry, and the gate's worker submits under it when it grants the slot. Its place in line is when the request
    /// arrived, so validation order (answers return in any order) reorders nothing.
    /// </summary>
    internal EventActivityBinder<ReportState, T> TakesEstimate<T>(EventActivityBinder<ReportState, T> binder, Func<T, ReportEstimated> estimate)
        where T : class =>
        binder
            .Then(EndStep)
            .Then(context => context.Saga.EstimatedCredits = estimate(context.Message).EstimatedCredits)
            .Publish(context => Validation(context.Saga, estimate(context.Message)), RequesterHeader.Set)
            .IfElse(context => IsOverBudget(context.Saga, estimate(context.Message)),
                over => over
                    .Then(context => SetFailure(context.Saga, ReportFailureReasons.CreditBudgetExceeded,
                        [$"The provider estimated {context.Saga.EstimatedCredits} credits, above maxCredits {context.Saga.MaxCredits}."]))
                    .EndAsFailed(this),
                fits => fits
                    .Then(context =>
                    {
                        context.Saga.StepAttempts = 0;
                        Touch(context.Saga);
                        ReportSagaTelemetry.RecordCreditsEstimated(context.Saga.EstimatedCredits!.Value);
                    })
                    .Then(NewStep)
                    .ThenAsync(context => SubmissionGate.EnqueueAsync(context, context.Saga.CreatedAt))
                    .TransitionTo(Queued));

    private static ReportWakeUp WakeUpMessage(BehaviorContext<ReportState> context) =>
        new() { RequestId = context.Saga.CorrelationId };

    private static ReportFailed Failure(ReportState saga) => new()
    {
        RequestId = saga.CorrelationId,
        ReportId = saga.ReportId,
        Reason = saga.FailureReason ?? ReportFailureReasons.Invalid,
        Errors = saga.FailureErrors is null ? [] : JsonSerializer.Deserialize<string[]>(saga.FailureErrors) ?? [],
        RequestedBy = saga.RequestedBy,
        Context = EchoedContext(saga),
    };

    /// <summary>The request's context as every event carries it, unchanged; null when it sent none.</summary>
    internal static JsonElement? EchoedContext(ReportState saga)
    {
        if (saga.Context is null)
            return null;
        using var document = JsonDocument.Parse(saga.Context);
        return document.RootElement.Clone();
    }

    /// <summary>The request's own deadline when it set one (checked against Reports__Deadline on arrival), else the limit.</summary>
    private TimeSpan DeadlineDelay(BehaviorContext<ReportState, ReportRequestAccepted> context) =>
        context.Saga.DeadlineAt is { } at ? at - _time.GetUtcNow() : _reports.Deadline;

    /// <summary>
    /// Schedules the next status check as the command itself, to the status consumer's queue, under a new step: the
    /// saga does not wake up only to send it (one consume and one broker message less per poll). Its token is the
    /// wake-up schedule's, so the report's end (<c>Unschedule(WakeUp)</c>) cancels a check still due.
    /// </summary>
    private static async Task ScheduleStatusCheckAsync(BehaviorContext<ReportState> context, TimeSpan delay)
    {
        context.Saga.PollCount++;
        NewStep(context);
        var scheduled = await context.ScheduleSend(ReportSagaQueues.CheckStatusAddress, delay, new CheckReportStatus
        {
            RequestId = context.Saga.CorrelationId,
            StepToken = context.Saga.StepToken!.Value,
            ReportId = context.Saga.ReportId!,
        }, context.CancellationToken);
        context.Saga.WakeUpTokenId = scheduled.TokenId;
    }

    /// <summary>Cancels a status check still due (scheduled by <see cref="ScheduleStatusCheckAsync"/>) at the queue it was scheduled for.</summary>
    private static async Task CancelStatusCheckAsync(BehaviorContext<ReportState> context)
    {
        if (context.Saga.WakeUpTokenId is { } token)
            await context.GetPayload<MessageSchedulerContext>().CancelScheduledSend(ReportSagaQueues.CheckStatusAddress, token, context.CancellationToken);
    }

    private TimeSpan NextCheckDelay(ReportState saga) => StatusCheckTiming.NextWait(saga, _pollingPolicy, _time.GetUtcNow());

    private TimeSpan RetryDelay(int attempt) =>
        Backoff.Delay(attempt, _reports.RetryDelay, _reports.MaxRetryDelay);

    /// <summary>Tries a deferred call again at the report's own wake-up (validate, submit, retry).</summary>
    private EventActivityBinder<ReportState, T> WakesUpAfter<T>(
        EventActivityBinder<ReportState, T> binder, Func<BehaviorContext<ReportState, T>, TimeSpan> delay)
        where T : class =>
        binder.Schedule(WakeUp, WakeUpMessage, context => delay(context));

    private static object Snapshot(ReportState saga) => new
    {
        RequestId = saga.CorrelationId,
        State = saga.CurrentState ?? ReportStates.Initial,
        saga.ReportId,
        saga.ProviderStatus,
        saga.EstimatedCredits,
        saga.UsedQuota,
        saga.DownloadUrl,
        Attempts = saga.RetryAttempts,
        saga.UpdatedAt,
    };

    /// <summary>The common end of every failure: stop the timers, free the slot if the report holds or awaits one, tell subscribers.</summary>
    internal EventActivityBinder<ReportState, T> EndAsFailed<T>(EventActivityBinder<ReportState, T> binder)
        where T : class =>
        binder
            .If(context => HoldsOrAwaitsSlot(context.Saga), then => then.ThenAsync(context => SubmissionGate.ReleaseAsync(context, ChargeOnFailure(context.Saga))))
            .If(context => context.Saga.CurrentState == Waiting.Name, then => then.ThenAsync(CancelStatusCheckAsync))
            .Unschedule(WakeUp)
            .Unschedule(Deadline)
            .Then(context => RecordFinished(context.Saga))
            .Publish(context => Failure(context.Saga), RequesterHeader.Set)
            .TransitionTo(Failed);

    /// <summary>
    /// What a failed report cost its requester's day: nothing when it certainly never reached the provider (refused
    /// before a report id: 400 or 401/403 on submit); otherwise the estimate stays (the provider may have charged it).
    /// </summary>
    private static long? ChargeOnFailure(ReportState saga) =>
        saga.ReportId is null && saga.FailureReason is ReportFailureReasons.BadRequest or ReportFailureReasons.Unauthorized ? 0 : null;

    private static bool HoldsOrAwaitsSlot(ReportState saga) =>
        saga.CurrentState is { } state && ReportStates.InGate.Contains(state);
}

/// <summary>Steps shared by several of the state machine's activity chains, so each chain reads as one line.</summary>
internal static class ReportStateMachineBinderExtensions
{
    /// <summary>Starts a report that can run (<see cref="ReportStateMachine.StartsReport"/>).</summary>
    public static EventActivityBinder<ReportState, ReportRequestAccepted> StartsReport(
        this EventActivityBinder<ReportState, ReportRequestAccepted> binder, ReportStateMachine machine) => machine.StartsReport(binder);

    /// <summary>Takes the provider's estimate (<see cref="ReportStateMachine.TakesEstimate{T}"/>).</summary>
    public static EventActivityBinder<ReportState, T> TakesEstimate<T>(
        this EventActivityBinder<ReportState, T> binder, ReportStateMachine machine, Func<T, ReportEstimated> estimate)
        where T : class => machine.TakesEstimate(binder, estimate);

    /// <summary>Ends the report as failed with the reason already set on the saga.</summary>
    public static EventActivityBinder<ReportState, T> EndAsFailed<T>(this EventActivityBinder<ReportState, T> binder, ReportStateMachine machine)
        where T : class => machine.EndAsFailed(binder);

    /// <summary>Publishes <see cref="ReportStatusChanged"/> when the provider's status differs from the last one seen.</summary>
    public static EventActivityBinder<ReportState, T> PublishStatusChange<T>(
        this EventActivityBinder<ReportState, T> binder, Func<BehaviorContext<ReportState, T>, string> status)
        where T : class =>
        binder.If(
            context => context.Saga.ProviderStatus != status(context),
            then => then.Publish(context => new ReportStatusChanged
            {
                RequestId = context.Saga.CorrelationId,
                ReportId = context.Saga.ReportId ?? "",
                Status = status(context),
                RequestedBy = context.Saga.RequestedBy,
                Context = ReportStateMachine.EchoedContext(context.Saga),
            }, RequesterHeader.Set));
}
