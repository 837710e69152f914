namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// Every instrument on the "ReportSaga" meter, by name, so dashboards, alerts, docs/operations.md and tests
/// agree on one spelling. Units follow OpenTelemetry's conventions (seconds, {annotations} for counts).
/// </summary>
public static class ReportSagaMetricNames
{
    /// <summary>Counter: reports accepted (one per new request id; a duplicate RequestReport does not count).</summary>
    public const string ReportsStarted = "reportsaga.reports.started";

    /// <summary>Counter: reports that reached a terminal event, tagged <c>outcome</c> and <c>reason</c>.</summary>
    public const string ReportsFinished = "reportsaga.reports.finished";

    /// <summary>Counter: Batch API calls, tagged <c>endpoint</c> and <c>outcome</c> (success, invalid, rate_limited, …).</summary>
    public const string BatchApiCalls = "reportsaga.batch_api.calls";

    /// <summary>Counter: credits request-validate estimated for reports that were accepted.</summary>
    public const string CreditsEstimated = "reportsaga.credits.estimated";

    /// <summary>Counter: credits the provider charged (used_quota of completed reports).</summary>
    public const string CreditsUsed = "reportsaga.credits.used";

    /// <summary>Histogram (s): from RequestReport to the terminal event, tagged <c>outcome</c>.</summary>
    public const string ReportDuration = "reportsaga.report.duration";

    /// <summary>Histogram: status checks one report needed, recorded when it finishes, tagged <c>outcome</c>.</summary>
    public const string ReportPolls = "reportsaga.report.polls";

    /// <summary>Observable gauge: live reports per saga state, tagged <c>state</c>; fed by a callback the host registers.</summary>
    public const string ReportsByState = "reportsaga.reports.by_state";

    /// <summary>Histogram (s): how late the scheduler sent a due message (recorded by persistence).</summary>
    public const string SchedulerLag = "reportsaga.scheduler.lag";

    /// <summary>Observable gauge: outbox messages stored and not yet delivered (fed by persistence).</summary>
    public const string OutboxBacklog = "reportsaga.outbox.backlog";

    /// <summary>Counter: reports held at the submission gate because the account's credits did not cover them (once per report).</summary>
    public const string SubmissionHeldForCredits = "reportsaga.submission.held_for_credits";

    /// <summary>Observable gauge: the account's remaining credits as last read from the provider.</summary>
    public const string AccountCreditsRemaining = "reportsaga.account.credits_remaining";

    /// <summary>Observable gauges, tagged <c>requester</c>: slots held, reports waiting, credits charged today (UTC).</summary>
    public const string RequesterInFlight = "reportsaga.requester.in_flight";

    /// <summary>Observable gauge, tagged <c>requester</c>: reports waiting for a submission slot.</summary>
    public const string RequesterWaiting = "reportsaga.requester.waiting";

    /// <summary>Observable gauge, tagged <c>requester</c>: credits charged to the requester today (UTC).</summary>
    public const string RequesterCreditsSpentToday = "reportsaga.requester.credits_spent_today";
}
