namespace ReportSaga.Orchestration.Telemetry;

/// <summary>
/// Names of span attributes and metric tags. Span attributes carry one report's identity (high cardinality,
/// never on metrics); metric tags carry only small closed sets of values so time series stay few. Where OpenTelemetry's
/// semantic conventions have an attribute (<c>error.type</c>) it is used; the service's own are namespaced
/// <c>reportsaga.*</c>.
/// </summary>
public static class ReportSagaTags
{
    // Span attributes (one report).
    /// <summary>The saga's correlation id, the caller's idempotency key.</summary>
    public const string RequestId = "reportsaga.request_id";

    /// <summary>The provider's report id, once submitted.</summary>
    public const string ReportId = "reportsaga.report_id";

    /// <summary>The provider's last status (pending, processing, completed, retry, bad_request, internal_error).</summary>
    public const string ProviderStatus = "reportsaga.provider_status";

    /// <summary>Credits request-validate estimated.</summary>
    public const string EstimatedCredits = "reportsaga.estimated_credits";

    /// <summary>Credits the provider charged (used_quota).</summary>
    public const string UsedQuota = "reportsaga.used_quota";

    /// <summary>Why a report failed (a ReportFailureReasons value).</summary>
    public const string Reason = "reportsaga.reason";

    // Metric tags (closed sets of values).
    /// <summary>
    /// OpenTelemetry's <c>error.type</c>: set only when something failed: a report's failure reason
    /// (ReportFailureReasons), a Batch API call's outcome (rate_limited, unauthorized, …). Absent on success.
    /// </summary>
    public const string ErrorType = "error.type";

    /// <summary><see cref="ReportOutcomes"/>: completed or failed.</summary>
    public const string Outcome = "reportsaga.report.outcome";

    /// <summary><see cref="BatchApiEndpoints"/>: which provider call.</summary>
    public const string Endpoint = "reportsaga.batch_api.endpoint";

    /// <summary>A saga state name (the report count).</summary>
    public const string State = "reportsaga.report.state";

    /// <summary><see cref="SubmissionGateStates"/>: whether a report in the gate holds a slot or waits for one.</summary>
    public const string GateState = "reportsaga.submission_gate.report.state";
}
