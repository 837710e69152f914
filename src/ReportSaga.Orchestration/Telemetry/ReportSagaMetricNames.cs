namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// Every instrument the orchestration assembly puts on the "ReportSaga" meter, by name, so dashboards, alerts,
/// docs/operations.md and tests agree on one spelling (persistence's are on <c>PersistenceTelemetry</c>). Names follow
/// OpenTelemetry's conventions: a singular namespace (<c>reportsaga.report</c>, <c>reportsaga.credit</c>), <c>count</c>
/// for an up-down count of the namespace's things, units in UCUM (<c>s</c>, <c>{report}</c>).
/// </summary>
public static class ReportSagaMetricNames
{
    /// <summary>Counter: reports accepted (one per new request id; a duplicate RequestReport does not count).</summary>
    public const string ReportStarted = "reportsaga.report.started";

    /// <summary>Counter: reports that reached a terminal event, by <c>reportsaga.report.outcome</c> and <c>error.type</c>.</summary>
    public const string ReportFinished = "reportsaga.report.finished";

    /// <summary>Histogram (s): from RequestReport to the terminal event, by outcome and <c>error.type</c>.</summary>
    public const string ReportDuration = "reportsaga.report.duration";

    /// <summary>Histogram: status checks one report needed, recorded when it finishes, by outcome and <c>error.type</c>.</summary>
    public const string ReportPolls = "reportsaga.report.polls";

    /// <summary>Observable up-down counter: unfinished reports per saga state (<c>reportsaga.report.state</c>).</summary>
    public const string ReportCount = "reportsaga.report.count";

    /// <summary>Counter: Batch API calls, by <c>reportsaga.batch_api.endpoint</c> and, when one failed, <c>error.type</c>.</summary>
    public const string BatchApiCalls = "reportsaga.batch_api.calls";

    /// <summary>Counter: credits request-validate estimated for reports that were accepted.</summary>
    public const string CreditEstimated = "reportsaga.credit.estimated";

    /// <summary>Counter: credits the provider charged (used_quota of completed reports).</summary>
    public const string CreditUsed = "reportsaga.credit.used";

    /// <summary>Observable up-down counter: reports in the submission gate's line, by <c>reportsaga.submission_gate.report.state</c> (in_flight, waiting).</summary>
    public const string SubmissionGateReportCount = "reportsaga.submission_gate.report.count";

    /// <summary>Observable up-down counter: the most reports that may be in flight at once (<c>Submission__MaxInFlight</c>).</summary>
    public const string SubmissionGateReportMax = "reportsaga.submission_gate.report.max";

    /// <summary>Counter: reports the account guard held at the submission gate because the account's credits did not cover them (once per report).</summary>
    public const string SubmissionGateHeld = "reportsaga.submission_gate.held";

    /// <summary>Observable gauge: the account's remaining credits as last read from the provider (the account guard's reading).</summary>
    public const string CreditRemaining = "reportsaga.credit.remaining";

    /// <summary>
    /// Observable up-down counter: reports at the submission gate per requester (<c>reportsaga.requester</c>) and
    /// <c>reportsaga.submission_gate.report.state</c> (in_flight, waiting); the busiest requesters only.
    /// </summary>
    public const string RequesterReportCount = "reportsaga.requester.report.count";

    /// <summary>Observable gauge: credits charged to each requester (<c>reportsaga.requester</c>) today (UTC); the busiest requesters only.</summary>
    public const string RequesterCreditSpent = "reportsaga.requester.credit.spent";
}
